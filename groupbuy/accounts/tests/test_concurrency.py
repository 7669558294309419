"""Codes under races: one code per number at a time, one account per code."""

from collections import Counter
from datetime import timedelta

import pytest

from groupbuy.accounts import services
from groupbuy.accounts.models import PasswordConfirmAttempt, PhoneVerification, User
from groupbuy.accounts.tests.helpers import PASSWORD
from groupbuy.core.models import AuditEntry
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


@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_one_new_number_at_once_one_wins(file_database):  # noqa: F811
    # given two people, each holding a code we know for the same new number
    from groupbuy.accounts.services.phone_codes import _code_hash

    new_phone = "+8613900139020"
    people = [
        User.objects.create_user(phone, PASSWORD, preferred_language="en")
        for phone in ("+8613800138021", "+8613800138022")
    ]
    for index, person in enumerate(people):
        sent = services.phone_change_request(
            actor=person, new_phone=new_phone, address=f"203.0.113.{index}"
        )
        verification_id = sent.verification.public_id
        PhoneVerification.objects.filter(public_id=verification_id).update(
            code_hash=_code_hash(verification_id, "424242"),
            created_at=sent.verification.created_at - timedelta(minutes=5),
        )
    # when both enter their code at the same moment
    outcomes = race(
        [
            lambda person=person: services.phone_change_complete(
                actor=person, new_phone=new_phone, code="424242"
            )
            for person in people
        ]
    )
    # then one account has the number and the other was told it is taken
    assert outcomes == Counter({"ok": 1, "phone_taken": 1})
    assert User.objects.filter(phone=new_phone).count() == 1
    phones = {person.pk: person.phone for person in User.objects.all()}
    old_phones = {"+8613800138021", "+8613800138022"}
    assert sorted(phones.values()).count(new_phone) == 1
    assert len(set(phones.values()) & old_phones) == 1


@pytest.mark.django_db(transaction=True)
def test_one_change_sent_several_times_at_once_moves_once(file_database):  # noqa: F811
    # given a person holding a code we know for their new number
    from groupbuy.accounts.services.phone_codes import _code_hash

    new_phone = "+8613900139030"
    person = User.objects.create_user(
        "+8613800138031", PASSWORD, preferred_language="en"
    )
    sent = services.phone_change_request(actor=person, new_phone=new_phone)
    verification_id = sent.verification.public_id
    PhoneVerification.objects.filter(public_id=verification_id).update(
        code_hash=_code_hash(verification_id, "424242")
    )
    # when a double tap (and a retry) send the same change together
    outcomes = race(
        [
            lambda: services.phone_change_complete(
                actor=User.objects.get(pk=person.pk),
                new_phone=new_phone,
                code="424242",
            )
            for _ in range(3)
        ]
    )
    # then every one answers the change, made once
    assert outcomes == Counter({"ok": 3})
    assert User.objects.get(pk=person.pk).phone == new_phone
    assert AuditEntry.objects.filter(action="accounts.phone.changed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_sent_at_once_are_checked_no_more_than_the_limit(
    file_database,  # noqa: F811
    settings,
):
    from groupbuy.accounts.reauth import password_confirm

    # given a limit of 3 wrong passwords on the change page
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 3
    person = User.objects.create_user(
        "+8613800138051", PASSWORD, preferred_language="en"
    )
    # when a session thief sends 8 guesses at the same moment
    outcomes = race(
        [
            lambda guess=guess: password_confirm(user=person, password=f"guess-{guess}")
            for guess in range(8)
        ]
    )
    # then no more than 3 were checked; the others were refused unchecked
    assert outcomes["password_wrong"] <= 3
    assert outcomes["password_wrong"] + outcomes["too_many_passwords"] == 8
    assert PasswordConfirmAttempt.objects.count() == outcomes["password_wrong"]
