"""Support sees the change page's password confirmations and the numbers an
account had, masked in lists and never edited, and clears a person's password
limit early, as it unlocks a login lockout."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import (
    MerchantMembership,
    PasswordConfirmAttempt,
    PreviousPhone,
)
from groupbuy.accounts.reauth import password_confirm
from groupbuy.accounts.tests.helpers import PASSWORD, make_user
from groupbuy.catalog.tests.factories import make_merchant
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ATTEMPTS = "/admin/accounts/passwordconfirmattempt/"
PREVIOUS = "/admin/accounts/previousphone/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def support():
    return _client(make_user("+8613700137001", is_staff=True, is_superuser=True))


@pytest.fixture
def locked_out(settings):
    """Someone who typed two wrong passwords on the change page, its limit."""
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 2
    person = make_user("+8613800138071", display_name="Lan")
    for guess in ("guess-1", "guess-2"):
        with pytest.raises(AccountError):
            password_confirm(user=person, password=guess)
    with pytest.raises(AccountError) as refused:
        password_confirm(user=person, password=PASSWORD)
    assert refused.value.code == "too_many_passwords"
    return person


def _clear(client, attempts) -> str:
    answer = client.post(
        ATTEMPTS,
        {"action": "clear_for_people", "_selected_action": [a.pk for a in attempts]},
        follow=True,
    )
    assert answer.status_code == 200
    return answer.content.decode()


def test_support_lists_attempts_with_the_number_masked(support, locked_out):
    # when support opens the list
    html = support.get(ATTEMPTS).content.decode()
    # then each attempt names its person by a masked number
    assert html.count("+86138****8071") == 2
    assert "+8613800138071" not in html


def test_support_clears_a_persons_password_limit_and_it_is_audited(support, locked_out):
    # given another person's attempt, not selected
    other = make_user("+8613800138072")
    with pytest.raises(AccountError):
        password_confirm(user=other, password="guess")
    # when support clears the person's limit, selecting one of their attempts
    first = PasswordConfirmAttempt.objects.filter(user=locked_out).first()
    html = _clear(support, [first])
    # then every attempt of theirs is gone, once audited, the other's kept
    assert "Password confirmations cleared for 1 person." in html
    assert not PasswordConfirmAttempt.objects.filter(user=locked_out).exists()
    assert PasswordConfirmAttempt.objects.filter(user=other).count() == 1
    [entry] = AuditEntry.objects.filter(action="accounts.lockout.cleared")
    assert entry.actor.phone == "+8613700137001"
    assert (entry.object_id, entry.data) == (
        locked_out.public_id,
        {"sign_in_failures": 0, "password_confirmations": 2},
    )
    # and the person's password is taken again at once
    password_confirm(user=locked_out, password=PASSWORD)


def test_clearing_again_changes_and_audits_nothing(support, locked_out):
    attempts = list(PasswordConfirmAttempt.objects.filter(user=locked_out))
    _clear(support, attempts)
    html = _clear(support, attempts)
    assert "None of these people had password confirmations to clear." in html
    assert AuditEntry.objects.filter(action="accounts.lockout.cleared").count() == 1


def test_staff_without_the_permission_see_attempts_but_cannot_clear(locked_out):
    # given an operator allowed to view the attempts only
    viewer = make_user("+8613700137002", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_passwordconfirmattempt")
    )
    client = _client(viewer)
    # when they try the action
    assert client.get(ATTEMPTS).status_code == 200
    _clear(client, PasswordConfirmAttempt.objects.filter(user=locked_out))
    # then nothing changed
    assert PasswordConfirmAttempt.objects.filter(user=locked_out).count() == 2
    assert not AuditEntry.objects.filter(action="accounts.lockout.cleared")


def test_a_shopper_or_a_shops_owner_cannot_open_or_clear(locked_out):
    owner = make_user("+8613800138073")
    MerchantMembership.objects.create(
        user=owner, merchant=make_merchant(), role=MerchantMembership.Role.OWNER
    )
    for person in (make_user("+8613800138074"), owner):
        client = _client(person)
        for url in (ATTEMPTS, PREVIOUS):
            assert client.get(url).status_code == 302  # to the admin's login
        client.post(
            ATTEMPTS,
            {
                "action": "clear_for_people",
                "_selected_action": [
                    a.pk for a in PasswordConfirmAttempt.objects.all()
                ],
            },
        )
    assert PasswordConfirmAttempt.objects.filter(user=locked_out).count() == 2


def test_no_attempt_can_be_added_edited_or_deleted_by_hand(support, locked_out):
    attempt = PasswordConfirmAttempt.objects.filter(user=locked_out).first()
    answers = [
        support.post(f"{ATTEMPTS}add/", {"user": locked_out.pk}).status_code,
        support.post(f"{ATTEMPTS}{attempt.pk}/change/", {}).status_code,
        support.post(f"{ATTEMPTS}{attempt.pk}/delete/", {"post": "yes"}).status_code,
    ]
    assert answers == [403, 403, 403]
    assert PasswordConfirmAttempt.objects.filter(user=locked_out).count() == 2


def test_previous_numbers_are_listed_masked_and_never_edited(support):
    # given someone who moved from one number to another
    person = make_user("+8613900139075", display_name="Lan")
    previous = PreviousPhone.objects.create(
        user=person,
        phone="+8613800138076",
        held_until=timezone.now() - timedelta(days=1),
    )
    # when support lists the numbers people had, found by the person's id
    html = support.get(PREVIOUS, {"q": person.public_id}).content.decode()
    # then both numbers are masked there; the row's own page shows the old one
    assert "+86138****8076" in html and "+86139****9075" in html
    assert "+8613800138076" not in html and "+8613900139075" not in html
    page = support.get(f"{PREVIOUS}{previous.pk}/change/").content.decode()
    assert "+8613800138076" in page and 'name="_save"' not in page
    # and the old number finds nobody
    assert (
        "+86138****8076"
        not in support.get(PREVIOUS, {"q": previous.phone}).content.decode()
    )
    # and nothing is added, edited or deleted by hand
    answers = [
        support.post(f"{PREVIOUS}add/", {"user": person.pk}).status_code,
        support.post(f"{PREVIOUS}{previous.pk}/change/", {"phone": "+86"}).status_code,
        support.post(f"{PREVIOUS}{previous.pk}/delete/", {"post": "yes"}).status_code,
    ]
    assert answers == [403, 403, 403]
    previous.refresh_from_db()
    assert previous.phone == "+8613800138076"
