"""Failed logins deleted by hand besides the operator's Clear the lockout are
audited too: the Django admin's "Clean up expired attempts" and axes' reset
commands (``groupbuy axes_reset_username`` …)."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.tests.helpers import PASSWORD, make_user, support_client
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "+8613800138081"
STRANGER = "+8613900139081"  # a number nobody holds
ATTEMPTS = "/admin/axes/accessattempt/"


def _attempt(phone, address="10.0.0.1", *, failures=1, minutes_ago=0):
    attempt = AccessAttempt.objects.create(
        username=phone, ip_address=address, failures_since_start=failures
    )
    # attempt_time is auto_now_add: set when it was made afterwards
    attempt_time = timezone.now() - timedelta(minutes=minutes_ago)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt_time)
    return attempt


def _audited(action="accounts.lockout.cleared"):
    return sorted(
        (entry.object_type, entry.object_id, entry.data)
        for entry in AuditEntry.objects.filter(action=action)
    )


def _clean_up(client, attempts):
    return client.post(
        ATTEMPTS,
        {
            "action": "cleanup_expired_attempts",
            "_selected_action": [attempt.pk for attempt in attempts],
        },
        follow=True,
    )


# The admin's "Clean up expired attempts"


def test_cleaning_up_expired_attempts_in_the_admin_is_audited():
    # given support in the admin (signing in, axes cleans up by itself), a
    # person's failures past the cool-off (15 minutes) and one within it, and
    # a stranger number's past it
    support = support_client()
    person = make_user(PHONE)
    _attempt(PHONE, failures=2, minutes_ago=20)
    _attempt(PHONE, "10.0.0.2", failures=1, minutes_ago=30)
    recent = _attempt(PHONE, "10.0.0.3", failures=4, minutes_ago=5)
    stranger = _attempt(STRANGER, failures=1, minutes_ago=60)
    # when support cleans up the expired attempts (any row selected)
    answer = _clean_up(support, [recent])
    # then only the expired rows went, each number audited once, by support
    assert "Cleaned up 3 expired access attempts." in answer.content.decode()
    assert list(AccessAttempt.objects.all()) == [recent]
    assert _audited("accounts.failed_logins.expired_deleted") == [
        ("accounts.user", person.public_id, {"sign_in_failures": 3}),
        (
            "axes.accessattempt",
            str(stranger.pk),
            {"phone": "+86139****9081", "sign_in_failures": 1},
        ),
    ]
    entries = AuditEntry.objects.filter(action="accounts.failed_logins.expired_deleted")
    assert {entry.actor.phone for entry in entries} == {"+8613700137001"}
    # and it clears no lockout, so none is audited
    assert _audited() == []


def test_cleaning_up_with_nothing_expired_deletes_and_audits_nothing():
    support = support_client()
    recent = _attempt(PHONE, minutes_ago=1)
    answer = _clean_up(support, [recent])
    assert "Cleaned up 0 expired access attempts." in answer.content.decode()
    assert list(AccessAttempt.objects.all()) == [recent]
    assert not AuditEntry.objects.exists()


def test_staff_who_may_only_view_attempts_cannot_clean_them_up():
    # given staff allowed to view the failed logins, not to delete them
    viewer = make_user("+8613700137081", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    client = Client()
    client.force_login(viewer)  # before the failure: axes cleans up at sign-in
    expired = _attempt(PHONE, minutes_ago=20)
    # when they try the clean-up
    assert client.get(ATTEMPTS).status_code == 200
    _clean_up(client, [expired])
    # then nothing changed
    assert list(AccessAttempt.objects.all()) == [expired]
    assert not AuditEntry.objects.exists()


# axes' reset commands, ours in their place


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_resetting_a_number_from_the_command_line_is_audited(settings):
    # given a person locked out, and another number's failure
    settings.AXES_FAILURE_LIMIT = 2
    person = make_user(PHONE)
    _attempt(PHONE, "127.0.0.1", failures=2)
    _attempt(PHONE, "10.0.0.2", failures=1)
    other = _attempt(STRANGER, "10.0.0.3")
    # when support resets the number
    output = _run("axes_reset_username", PHONE)
    # then the person signs in at once, the other number stays held back
    assert output == "2 attempts removed.\n"
    assert list(AccessAttempt.objects.all()) == [other]
    signed_in = Client().post(
        "/api/auth/token",
        {"phone": PHONE, "password": PASSWORD},
        content_type="application/json",
    )
    assert signed_in.status_code == 200
    # and the audit trail says how many failures went, and by which command
    assert _audited() == [
        (
            "accounts.user",
            person.public_id,
            {
                "sign_in_failures": 3,
                "password_confirmations": 0,
                "command": "axes_reset_username",
            },
        )
    ]
    assert AuditEntry.objects.get(action="accounts.lockout.cleared").actor is None


def test_resetting_a_number_with_no_failures_says_so_and_audits_nothing():
    assert _run("axes_reset_username", PHONE) == "No attempts found.\n"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("command", "arguments", "kept"),
    [
        ("axes_reset", [], []),
        ("axes_reset_username", [PHONE, STRANGER], []),
        ("axes_reset_ip", ["10.0.0.1", "10.0.0.2"], []),
        ("axes_reset_ip_username", ["10.0.0.1", PHONE], [STRANGER]),
    ],
)
def test_every_reset_command_audits_each_number_it_clears(command, arguments, kept):
    # given failures for a person's number and a stranger's, from two addresses
    person = make_user(PHONE)
    _attempt(PHONE, "10.0.0.1", failures=2)
    stranger = _attempt(STRANGER, "10.0.0.2")
    # when the command runs
    _run(command, *arguments)
    # then the rows it names are gone, and each number cleared is audited once
    assert [row.username for row in AccessAttempt.objects.all()] == kept
    data = {"password_confirmations": 0, "command": command}
    person_cleared = (
        "accounts.user",
        person.public_id,
        {**data, "sign_in_failures": 2},
    )
    stranger_cleared = (
        "axes.accessattempt",
        str(stranger.pk),
        {**data, "phone": "+86139****9081", "sign_in_failures": 1},
    )
    assert _audited() == [person_cleared, *([] if kept else [stranger_cleared])]
