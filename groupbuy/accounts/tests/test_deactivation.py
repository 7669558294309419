"""Support switches an account off (or on again) through ``account_switch_off``:
audited once, and a switched-off person's sockets are told to close (the
sockets themselves: notify/tests/test_socket_asgi.py). So does any other save
that switches an account off (a shell, a script): ``accounts.switching_off``."""

import pytest

from groupbuy.accounts import switching_off
from groupbuy.accounts.services import account_switch_off, account_switch_on
from groupbuy.accounts.tests.helpers import make_user
from groupbuy.core.models import AuditEntry
from groupbuy.realtime.access import SIGNED_OUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def sockets_ended(monkeypatch) -> list[dict]:
    ended: list[dict] = []
    monkeypatch.setattr(
        switching_off, "sockets_end", lambda **kwargs: ended.append(kwargs)
    )
    return ended


def test_switching_an_account_off_ends_its_sockets_once_and_is_audited(
    sockets_ended,
):
    # given a person and support
    support = make_user("+8613600136001", is_staff=True)
    person = make_user("+8613600136002")
    # when support switches the account off, twice (a form sent again)
    account_switch_off(actor=support, user=person, reason="spam")
    account_switch_off(actor=support, user=person, reason="spam")
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
    account_switch_on(actor=support, user=person)
    person.refresh_from_db()
    assert person.is_active
    assert sockets_ended == []
    assert AuditEntry.objects.get(object_id=person.public_id).action == (
        "accounts.user.activated"
    )


def test_an_account_switched_off_by_a_plain_save_ends_its_sockets_once(
    sockets_ended,
):
    # given a person whose account is switched off in a shell, not the admin
    person = make_user("+8613600136003")
    # when it is saved off, then saved again (still off)
    person.is_active = False
    person.save()
    person.save()
    # then their sockets are told to close once
    assert sockets_ended == [{"user_public_id": person.public_id, "reason": SIGNED_OUT}]


def test_saves_that_do_not_switch_an_account_off_end_no_socket(sockets_ended):
    # given an active person and one already off
    person = make_user("+8613600136004")
    already_off = make_user("+8613600136005", is_active=False)
    # when the first's name is saved (also naming the fields), the second is
    # saved again, and switched on
    person.display_name = "Ada"
    person.save()
    person.save(update_fields=["display_name"])
    already_off.save()
    already_off.is_active = True
    already_off.save(update_fields=["is_active"])
    # then no socket is told to close
    assert sockets_ended == []


def test_a_save_that_leaves_is_active_out_of_its_fields_ends_no_socket(
    sockets_ended,
):
    # is_active set false in memory but not among the fields written: the
    # stored account stays on
    person = make_user("+8613600136006")
    person.is_active = False
    person.save(update_fields=["display_name"])
    person.refresh_from_db()
    assert person.is_active
    assert sockets_ended == []
