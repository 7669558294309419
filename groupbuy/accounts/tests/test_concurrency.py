"""Codes under races: one code per number at a time, one account per code."""

from collections import Counter

import pytest

from groupbuy.accounts import services
from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.tests.helpers import PASSWORD
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race

PHONE = "+8613800138001"


def _sign_up_request(address: str):
    return services.sign_up_request(
        phone=PHONE, password=PASSWORD, preferred_language="en", address=address
    )


@pytest.mark.django_db(transaction=True)
def test_racing_code_requests_for_one_number_send_one_code(file_database):  # noqa: F811
    # when eight requests for the same number arrive together from eight addresses
    outcomes = race(
        [
            lambda index=index: _sign_up_request(f"203.0.113.{index}")
            for index in range(8)
        ]
    )
    # then exactly one code was made; the rest were told to wait
    assert outcomes == Counter({"ok": 1, "too_many_codes": 7})
    assert PhoneVerification.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_the_right_code_makes_one_account(file_database):  # noqa: F811
    # given a sign-up code we know (hash it the way the service does)
    from groupbuy.accounts.services.phone_codes import _code_hash

    sent = _sign_up_request("203.0.113.1")
    verification_id = sent.verification.public_id
    PhoneVerification.objects.filter(public_id=verification_id).update(
        code_hash=_code_hash(verification_id, "424242")
    )
    # when six requests enter it together
    outcomes = race(
        [
            lambda: services.sign_up_complete(
                verification_id=verification_id, code="424242"
            )
            for _ in range(6)
        ]
    )
    # then one account was made and the code was used once
    assert outcomes == Counter({"ok": 1, "code_used": 5})
    assert User.objects.filter(phone=PHONE).count() == 1
