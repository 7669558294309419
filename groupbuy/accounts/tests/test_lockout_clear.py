"""An operator sees a person's sign-in lockout (failed logins for their
number, wrong passwords on the change page) and clears it early, audited."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.reauth import password_confirm
from groupbuy.accounts.selectors import person_lockout
from groupbuy.accounts.services import person_lockout_clear
from groupbuy.accounts.tests.helpers import PASSWORD, make_user, support_client
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "+8613800138061"
SUPPORT = "+8613700137001"  # helpers.support_client


def _sign_in(password: str, phone: str = PHONE, address="127.0.0.1") -> int:
    answer = Client(REMOTE_ADDR=address).post(
        "/api/auth/token",
        {"phone": phone, "password": password},
        content_type="application/json",
    )
    return answer.status_code


@pytest.fixture
def locked_out(settings):
    """Someone whose number had three failed logins, its (test) limit."""
    settings.AXES_FAILURE_LIMIT = 3
    person = make_user(PHONE)
    for _ in range(3):
        _sign_in("wrong")
    assert _sign_in(PASSWORD) == 429
    return person


def test_a_locked_number_says_until_when_and_how_many_failures(locked_out):
    lockout = person_lockout(person=locked_out)
    assert lockout.sign_in_failures == 3
    expected = timezone.now() + timedelta(minutes=15)
    assert abs(lockout.sign_in_locked_until - expected) < timedelta(seconds=30)
    assert lockout.password_locked_until is None
    assert lockout.is_locked


def test_failures_under_the_limit_show_but_lock_nothing(settings):
    settings.AXES_FAILURE_LIMIT = 3
    person = make_user(PHONE)
    _sign_in("wrong")
    lockout = person_lockout(person=person)
    assert (lockout.sign_in_failures, lockout.sign_in_locked_until) == (1, None)
    assert lockout.has_failures and not lockout.is_locked


def test_clearing_lets_the_person_sign_in_at_once_and_is_audited(locked_out):
    # given another number's failed login (from elsewhere: this address is
    # locked out too)
    other = make_user("+8613800138062")
    assert _sign_in("wrong", phone=other.phone, address="10.0.0.9") == 401
    operator = make_user("+8613700137061", is_staff=True)
    # when
    cleared = person_lockout_clear(actor=operator, user=locked_out)
    # then
    assert (cleared.sign_in_failures, cleared.password_confirmations) == (3, 0)
    assert person_lockout(person=other).sign_in_failures == 1
    assert _sign_in(PASSWORD) == 200
    [entry] = AuditEntry.objects.filter(action="accounts.lockout.cleared")
    assert (entry.actor, entry.object_id) == (operator, locked_out.public_id)
    assert entry.data == {"sign_in_failures": 3, "password_confirmations": 0}


def test_it_clears_the_change_pages_password_limit_too(settings):
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 2
    person = make_user(PHONE)
    for guess in ("guess-1", "guess-2"):
        with pytest.raises(AccountError):
            password_confirm(user=person, password=guess)
    lockout = person_lockout(person=person)
    assert lockout.password_failures == 2 and lockout.password_locked_until
    # when
    cleared = person_lockout_clear(actor=None, user=person)
    # then the password is taken again at once
    assert cleared.password_confirmations == 2
    password_confirm(user=person, password=PASSWORD)


def test_clearing_again_changes_and_audits_nothing(locked_out):
    person_lockout_clear(actor=None, user=locked_out)
    again = person_lockout_clear(actor=None, user=locked_out)
    assert (again.sign_in_failures, again.password_confirmations) == (0, 0)
    assert not again.anything
    assert AuditEntry.objects.filter(action="accounts.lockout.cleared").count() == 1


# The Django admin's Axes → Access attempts: deleting rows clears, audited

ADMIN_ATTEMPTS = "/admin/axes/accessattempt/"


def test_deleting_a_failed_login_row_in_the_admin_is_audited(locked_out):
    # given support in the admin, and the person's failed-login row
    support = support_client()
    attempt = AccessAttempt.objects.get(username=PHONE)
    # when support deletes it from its own delete page
    answer = support.post(f"{ADMIN_ATTEMPTS}{attempt.pk}/delete/", {"post": "yes"})
    # then the person signs in at once, and the audit trail says who cleared
    # how many of whose failures
    assert answer.status_code == 302
    assert _sign_in(PASSWORD) == 200
    [entry] = AuditEntry.objects.filter(action="accounts.lockout.cleared")
    assert (entry.actor.phone, entry.object_id) == (SUPPORT, locked_out.public_id)
    assert entry.data == {"sign_in_failures": 3, "password_confirmations": 0}


def test_deleting_selected_rows_audits_each_number_once(locked_out):
    # given another row for the person's number (another address) and a row
    # for a number nobody holds
    AccessAttempt.objects.create(
        username=PHONE, ip_address="10.0.0.7", user_agent="b", failures_since_start=2
    )
    stranger = AccessAttempt.objects.create(
        username="+8613900139061", ip_address="10.0.0.8", failures_since_start=1
    )
    kept = AccessAttempt.objects.create(
        username="+8613900139062", ip_address="10.0.0.9", failures_since_start=1
    )
    selected = AccessAttempt.objects.exclude(pk=kept.pk)
    # when support deletes the selected rows from the list
    answer = support_client().post(
        ADMIN_ATTEMPTS,
        {
            "action": "delete_selected",
            "_selected_action": [attempt.pk for attempt in selected],
            "post": "yes",
        },
    )
    # then those rows are gone, the other kept, and each number is audited once
    assert answer.status_code == 302
    assert list(AccessAttempt.objects.all()) == [kept]
    entries = AuditEntry.objects.filter(action="accounts.lockout.cleared")
    assert sorted(
        (entry.object_type, entry.object_id, entry.data) for entry in entries
    ) == [
        (
            "accounts.user",
            locked_out.public_id,
            {"sign_in_failures": 5, "password_confirmations": 0},
        ),
        (
            "axes.accessattempt",
            str(stranger.pk),
            {
                "phone": "+86139****9061",
                "sign_in_failures": 1,
                "password_confirmations": 0,
            },
        ),
    ]
    assert {entry.actor.phone for entry in entries} == {SUPPORT}
