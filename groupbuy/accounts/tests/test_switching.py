"""Support switches a person's account off and on again and revokes their API
tokens (``services.switching``): who may, what it means, safe to repeat and to
race, audited once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groupbuy.accounts import switching_off
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import ApiToken, User
from groupbuy.accounts.services import (
    account_switch_off,
    account_switch_on,
    api_token_authenticate,
    api_token_create,
    person_api_tokens_revoke,
)
from groupbuy.accounts.tests.helpers import PASSWORD, make_user
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch):
    monkeypatch.setattr(switching_off, "sockets_end", lambda **kwargs: None)


def _actions(person) -> list[tuple[str, dict]]:
    entries = AuditEntry.objects.filter(object_id=person.public_id).order_by("pk")
    return [(entry.action, entry.data) for entry in entries]


def test_a_switched_off_person_is_signed_out_and_their_token_refused():
    # given a person signed in in a browser and holding an API token
    operator = make_user("+8613600137001", is_staff=True)
    person = make_user("+8613600137002")
    browser = Client()
    browser.force_login(person)
    _token, secret = api_token_create(actor=person, name="app")
    # when an operator switches the account off
    switched = account_switch_off(actor=operator, user=person, reason="Fraud")
    # then it is off and audited with the reason; the session signs nobody in,
    # the token is refused (not revoked), and signing in is refused
    assert (switched.changed, switched.person.is_active) == (True, False)
    assert ("accounts.user.deactivated", {"reason": "Fraud"}) in _actions(person)
    assert browser.get("/api/me").status_code == 401
    assert api_token_authenticate(secret) is None
    assert ApiToken.objects.get(user=person).revoked_at is None
    assert not Client().login(phone=person.phone, password=PASSWORD)
    # and switched on again, the same token works again
    assert account_switch_on(actor=operator, user=person).changed is True
    assert api_token_authenticate(secret) == person


def test_switching_off_twice_changes_and_audits_once():
    operator = make_user("+8613600137001", is_staff=True)
    person = make_user("+8613600137002")
    account_switch_off(actor=operator, user=person, reason="Spam")
    again = account_switch_off(actor=operator, user=person, reason="Spam again")
    assert again.changed is False
    assert _actions(person) == [("accounts.user.deactivated", {"reason": "Spam"})]


@pytest.mark.parametrize("reason", ["", "   ", "\x00", "x" * 501])
def test_switching_off_needs_a_reason_of_500_characters_or_fewer(reason):
    operator = make_user("+8613600137001", is_staff=True)
    person = make_user("+8613600137002")
    with pytest.raises(AccountError) as refusal:
        account_switch_off(actor=operator, user=person, reason=reason)
    assert refusal.value.status == 400
    assert list(refusal.value.fields) == ["reason"]
    person.refresh_from_db()
    assert person.is_active
    assert _actions(person) == []


def test_nobody_switches_their_own_account_not_even_a_superuser():
    superuser = make_user("+8613600137001", is_staff=True, is_superuser=True)
    with pytest.raises(AccountError) as refusal:
        account_switch_off(actor=superuser, user=superuser, reason="Oops")
    assert refusal.value.status == 403
    assert refusal.value.message == "You cannot switch your own account off or on."
    superuser.refresh_from_db()
    assert superuser.is_active


def test_only_a_superuser_switches_another_operator_off():
    # given two operators and a superuser
    operator = make_user("+8613600137001", is_staff=True)
    other_operator = make_user("+8613600137002", is_staff=True)
    superuser = make_user("+8613600137003", is_staff=True, is_superuser=True)
    # when the operator tries, then the superuser
    with pytest.raises(AccountError) as refusal:
        account_switch_off(actor=operator, user=other_operator, reason="Left")
    switched = account_switch_off(actor=superuser, user=other_operator, reason="Left")
    # then only the superuser's counts
    assert refusal.value.status == 403
    assert switched.changed is True
    assert [action for action, _ in _actions(other_operator)] == [
        "accounts.user.deactivated"
    ]


@pytest.mark.parametrize("is_merchant_staff", [False, True])
def test_a_person_who_is_not_an_operator_switches_nobody(is_merchant_staff):
    from groupbuy.catalog.tests.factories import make_merchant_member

    actor = make_user("+8613600137001")
    if is_merchant_staff:
        make_merchant_member(user=actor)
    person = make_user("+8613600137002", is_active=False)
    for attempt in (
        lambda: account_switch_on(actor=actor, user=person),
        lambda: person_api_tokens_revoke(actor=actor, user=person),
    ):
        with pytest.raises(AccountError) as refusal:
            attempt()
        assert refusal.value.status == 403
    person.refresh_from_db()
    assert not person.is_active


def test_an_erased_account_is_not_switched_on_again():
    operator = make_user("+8613600137001", is_staff=True)
    erased = make_user("+8613600137002", is_active=False)
    User.objects.filter(pk=erased.pk).update(phone="del_abc123")  # as erasure leaves it
    erased.refresh_from_db()
    with pytest.raises(AccountError) as refusal:
        account_switch_on(actor=operator, user=erased)
    assert refusal.value.code == "erased"
    erased.refresh_from_db()
    assert not erased.is_active


def test_revoking_a_persons_tokens_revokes_the_live_ones_once():
    # given a person with two live tokens and one revoked last week
    operator = make_user("+8613600137001", is_staff=True)
    person = make_user("+8613600137002")
    api_token_create(actor=person, name="phone")
    api_token_create(actor=person, name="tablet")
    old, _secret = api_token_create(actor=person, name="old")
    week_ago = timezone.now() - timedelta(days=7)
    ApiToken.objects.filter(pk=old.pk).update(revoked_at=week_ago)
    # when an operator revokes their tokens, twice
    first = person_api_tokens_revoke(actor=operator, user=person)
    second = person_api_tokens_revoke(actor=operator, user=person)
    # then the two live ones are revoked, once, audited once; the old one kept
    # its date
    assert (first, second) == (2, 0)
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert ApiToken.objects.get(pk=old.pk).revoked_at == week_ago
    assert _actions(person) == [
        ("accounts.token.revoked_all", {"count": 2, "reason": "operator"})
    ]


@pytest.mark.django_db(transaction=True)
def test_two_operators_switching_a_person_off_at_once_audit_it_once(
    file_database,  # noqa: F811
):
    # given a person and two operators
    first = make_user("+8613600137001", is_staff=True)
    second = make_user("+8613600137003", is_staff=True)
    person = make_user("+8613600137002")
    results = []
    # when both switch the account off at the same moment
    outcomes = race(
        [
            lambda operator=operator: results.append(
                account_switch_off(actor=operator, user=person, reason="Spam").changed
            )
            for operator in (first, second)
        ]
    )
    # then one switched it, the other found it off: one audit row
    assert outcomes == Counter({"ok": 2})
    assert sorted(results) == [False, True]
    assert [action for action, _ in _actions(person)] == ["accounts.user.deactivated"]


@pytest.mark.django_db(transaction=True)
def test_two_operators_revoking_a_persons_tokens_at_once_revoke_each_once(
    file_database,  # noqa: F811
):
    first = make_user("+8613600137001", is_staff=True)
    second = make_user("+8613600137003", is_staff=True)
    person = make_user("+8613600137002")
    for name in ("a", "b", "c"):
        api_token_create(actor=person, name=name)
    counts = []
    outcomes = race(
        [
            lambda operator=operator: counts.append(
                person_api_tokens_revoke(actor=operator, user=person)
            )
            for operator in (first, second)
        ]
    )
    assert outcomes == Counter({"ok": 2})
    assert sorted(counts) == [0, 3]
    assert [action for action, _ in _actions(person)] == ["accounts.token.revoked_all"]


def _admin_saves_active(*, actor, person, is_active: bool):
    """Save ``person`` through the admin's change form with "active" changed."""
    from types import SimpleNamespace

    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/")
    request.user = actor
    request.session = {}
    request._messages = FallbackStorage(request)
    form = SimpleNamespace(
        changed_data=["is_active"], initial={"is_active": not is_active}
    )
    person.is_active = is_active
    admin.site._registry[User].save_model(request, person, form, change=True)
    return [str(message) for message in request._messages]


def test_the_admins_active_box_switches_through_the_service():
    superuser = make_user("+8613600137001", is_staff=True, is_superuser=True)
    person = make_user("+8613600137002")
    _admin_saves_active(actor=superuser, person=person, is_active=False)
    person.refresh_from_db()
    assert not person.is_active
    assert _actions(person) == [
        ("accounts.user.deactivated", {"reason": "Switched off in the Django admin"})
    ]


def test_the_admin_refuses_switching_off_ones_own_account_and_says_why():
    superuser = make_user("+8613600137001", is_staff=True, is_superuser=True)
    said = _admin_saves_active(actor=superuser, person=superuser, is_active=False)
    superuser.refresh_from_db()
    assert superuser.is_active
    assert said == ["You cannot switch your own account off or on."]
    assert _actions(superuser) == []
