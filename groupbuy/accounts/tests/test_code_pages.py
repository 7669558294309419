"""The signed-in code pages (a password change, confirming one's number) open
only for the person the code was texted to, as the API does."""

import pytest

from groupbuy.accounts import services
from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, make_user
from groupbuy.catalog.tests.factories import make_merchant_member

pytestmark = pytest.mark.django_db

OWNER_OF_THE_CODE = "+8613800138301"
OTHER_SHOPPER = "+8613800138302"
OTHER_OWNER = "+8613800138303"
OTHER_CASHIER = "+8613800138304"


def _intruders():
    owner = make_user(OTHER_OWNER)
    make_merchant_member(user=owner, role=MerchantMembership.Role.OWNER)
    cashier = make_user(OTHER_CASHIER)
    make_merchant_member(user=cashier, role=MerchantMembership.Role.CASHIER)
    return [make_user(OTHER_SHOPPER), owner, cashier]


def test_another_persons_password_code_page_is_not_found(client, committed):
    # given a code texted to someone for their password change
    person = make_user(OWNER_OF_THE_CODE)
    sent = committed(services.password_change_request, actor=person)
    url = f"/me/password/{sent.verification.public_id}/"
    code = code_sent_to(OWNER_OF_THE_CODE)
    for intruder in _intruders():
        client.force_login(intruder)
        # when another shopper, another shop's owner or cashier opens its page
        # then it is not there for them, and their code changes nothing
        assert client.get(url).status_code == 404
        answer = client.post(url, {"code": code, "new_password": "an-other-password-9"})
        assert answer.status_code == 404
        intruder.refresh_from_db()
        assert intruder.check_password(PASSWORD)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_another_persons_number_code_page_is_not_found(client, committed):
    # given a code texted to someone to confirm their number
    person = make_user(OWNER_OF_THE_CODE)
    sent = committed(services.phone_verify_request, actor=person)
    url = f"/me/phone/{sent.verification.public_id}/"
    code = code_sent_to(OWNER_OF_THE_CODE)
    for intruder in _intruders():
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": code}).status_code == 404
        intruder.refresh_from_db()
        assert intruder.phone_verified_at is None


def test_a_code_page_of_another_purpose_or_unknown_id_is_not_found(client, committed):
    # given my own code to confirm my number
    person = make_user(OWNER_OF_THE_CODE)
    sent = committed(services.phone_verify_request, actor=person)
    client.force_login(person)
    # then it is no password change code, and a made-up id is nothing
    assert client.get(f"/me/password/{sent.verification.public_id}/").status_code == (
        404
    )
    assert client.get("/me/password/pv_madeup/").status_code == 404
    assert client.get("/me/phone/pv_madeup/").status_code == 404


def test_my_own_code_pages_open_and_take_my_code(client, committed):
    person = make_user(OWNER_OF_THE_CODE)
    client.force_login(person)
    sent = committed(services.password_change_request, actor=person)
    url = f"/me/password/{sent.verification.public_id}/"
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "code": code_sent_to(OWNER_OF_THE_CODE),
            "new_password": "an-other-password-9",
        },
    )
    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.check_password("an-other-password-9")
    sent = committed(services.phone_verify_request, actor=person)
    url = f"/me/phone/{sent.verification.public_id}/"
    assert client.get(url).status_code == 200
