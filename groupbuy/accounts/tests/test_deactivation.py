"""Support switches an account off (or on again) through ``user_active_set``:
audited once, and a switched-off person's sockets are told to close (the
sockets themselves: notify/tests/test_socket_asgi.py)."""

import pytest

from groupbuy.accounts.services import user_active_set
from groupbuy.accounts.services import users as user_services
from groupbuy.accounts.tests.helpers import make_user
from groupbuy.core.models import AuditEntry
from groupbuy.realtime.access import SIGNED_OUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def sockets_ended(monkeypatch) -> list[dict]:
    ended: list[dict] = []
    monkeypatch.setattr(
        user_services, "sockets_end", lambda **kwargs: ended.append(kwargs)
    )
    return ended


def test_switching_an_account_off_ends_its_sockets_once_and_is_audited(
    sockets_ended,
):
    # given a person and support
    support = make_user("+8613600136001", is_staff=True)
    person = make_user("+8613600136002")
    # when support switches the account off, twice (a form sent again)
    user_active_set(actor=support, user=person, is_active=False)
    user_active_set(actor=support, user=person, is_active=False)
    # then it is off, audited once, and the person's sockets told to close once
    person.refresh_from_db()
    assert not person.is_active
    entries = AuditEntry.objects.filter(object_id=person.public_id)
    assert [(e.action, e.actor_id) for e in entries] == [
        ("accounts.user.deactivated", support.pk)
    ]
    assert sockets_ended == [{"user_public_id": person.public_id, "reason": SIGNED_OUT}]


def test_switching_an_account_on_again_ends_no_socket(sockets_ended):
    support = make_user("+8613600136001", is_staff=True)
    person = make_user("+8613600136002", is_active=False)
    user_active_set(actor=support, user=person, is_active=True)
    person.refresh_from_db()
    assert person.is_active
    assert sockets_ended == []
    assert AuditEntry.objects.get(object_id=person.public_id).action == (
        "accounts.user.activated"
    )
