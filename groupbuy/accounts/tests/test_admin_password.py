"""Support sets a person's password in the admin: as after the person's own
reset, their API tokens stop working and their open sockets re-check their
sign-in, audited under support's name. The admin's own form wrote only the
password: an app signed in with the old password kept working."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import ApiToken
from groupbuy.accounts.services import api_token_create, password_codes
from groupbuy.accounts.tests.helpers import make_user
from groupbuy.core.models import AuditEntry
from groupbuy.realtime.access import SIGN_IN_CHANGED

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "support-set-pass-9"


@pytest.fixture
def sockets_ended(monkeypatch) -> list[dict]:
    ended: list[dict] = []
    monkeypatch.setattr(
        password_codes, "sockets_end", lambda **kwargs: ended.append(kwargs)
    )
    return ended


def _set_password(client: Client, person, password: str, again: str):
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    return client.post(
        url,
        {"password1": password, "password2": again, "usable_password": "true"},
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_support_setting_a_password_revokes_the_tokens_and_ends_the_sockets(
    sockets_ended,
):
    # given a person signed in to an app, and support
    support = make_user("+8613600137001", is_staff=True, is_superuser=True)
    person = make_user("+8613600137002")
    api_token_create(actor=person, name="phone")
    # when support sets a new password in the admin
    answer = _set_password(_signed_in(support), person, NEW_PASSWORD, NEW_PASSWORD)
    # then the password is the new one, the app's token no longer works, the
    # person's open sockets are told to check again, and support's act is audited
    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert sockets_ended == [
        {"user_public_id": person.public_id, "reason": SIGN_IN_CHANGED}
    ]
    assert AuditEntry.objects.filter(
        action="accounts.password.set_by_support",
        actor_id=support.pk,
        object_id=person.public_id,
    ).exists()


def test_a_refused_form_changes_nothing(sockets_ended):
    support = make_user("+8613600137001", is_staff=True, is_superuser=True)
    person = make_user("+8613600137002")
    api_token_create(actor=person, name="phone")
    # when the two passwords differ
    answer = _set_password(_signed_in(support), person, NEW_PASSWORD, "other-pass-9")
    # then the form says so and nothing changed
    assert answer.status_code == 200
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)
    assert ApiToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1
    assert sockets_ended == []


@pytest.mark.parametrize("who", ["another person", "a shop's staff"])
def test_no_one_but_support_reaches_the_form(sockets_ended, who):
    person = make_user("+8613600137002")
    api_token_create(actor=person, name="phone")
    other = make_user("+8613600137003")
    if who == "a shop's staff":
        from groupbuy.deals.tests.factories import make_merchant

        make_merchant(owner=other)
    answer = _set_password(_signed_in(other), person, NEW_PASSWORD, NEW_PASSWORD)
    assert answer.status_code == 302  # to the admin's sign-in
    assert "/login/" in answer["Location"]
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)
    assert ApiToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1
    assert sockets_ended == []
