"""The admin index's "Recent actions" names what support added, changed or
deleted without a full phone number: new log entries are written masked, and
entries written before (``object_repr`` holding a full number) are shown
masked."""

import importlib
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.utils import timezone

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.phones import mask_phones_in_text
from groupbuy.accounts.tests.helpers import (
    PASSWORD,
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "groupbuy.accounts.migrations.0011_mask_numbers_in_admin_log"
)

# support_client's superuser
SUPPORT_NUMBER = "+8613700137001"


def recent_actions(client) -> str:
    """The "Recent actions" part of the admin's index (the page's messages
    are another matter: they repeat what support typed)."""
    index = admin_page(client, "/admin/")
    return index.split('id="recent-actions-module"')[1]


def test_a_person_added_in_the_admin_is_logged_by_the_masked_number():
    # given support signed in to the admin
    support = support_client()
    # when they add a person with no name
    answer = support.post(
        "/admin/accounts/user/add/",
        {
            "phone": UNNAMED_NUMBER,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    # then the log entry and the index's recent actions hold the masked number
    assert answer.status_code == 302
    person = User.objects.get(phone=UNNAMED_NUMBER)
    entry = LogEntry.objects.get(object_id=str(person.pk), action_flag=ADDITION)
    assert entry.object_repr == UNNAMED_MASKED
    assert_masked_only(recent_actions(support))


def test_a_code_deleted_in_the_admin_is_logged_masked():
    # given a code once sent to a number
    support = support_client()
    code = PhoneVerification.objects.create(
        phone=UNNAMED_NUMBER,
        purpose=PhoneVerification.Purpose.SIGN_UP,
        code_hash="x",
        expires_at=timezone.now(),
    )
    # when support deletes it
    answer = support.post(
        f"/admin/accounts/phoneverification/{code.pk}/delete/", {"post": "yes"}
    )
    # then the log entry names it by the masked number
    assert answer.status_code == 302
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.object_repr == f"Sign-up code for {UNNAMED_MASKED}"


def test_entries_written_with_a_full_number_are_shown_masked():
    # given a log entry written before numbers were masked (str(user))
    support = support_client()
    person = make_user(UNNAMED_NUMBER)
    LogEntry.objects.log_actions(
        user_id=User.objects.get(phone=SUPPORT_NUMBER).pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message="",
    )
    LogEntry.objects.update(object_repr=UNNAMED_NUMBER)
    # when support opens the admin's index
    shown = recent_actions(support)
    # then its recent actions show the number masked
    assert_masked_only(shown)


def test_numbers_in_text_are_masked_and_other_figures_kept():
    text = "code for +8613800138071, call 13800138072; barcode 6930639271387, ¥138"
    assert mask_phones_in_text(text) == (
        "code for +86138****8071, call 138****8072; barcode 6930639271387, ¥138"
    )


def _messages(answer) -> list[str]:
    return [str(message) for message in answer.context["messages"]]


def test_the_added_message_names_the_person_by_the_masked_number():
    # given support signed in to the admin
    support = support_client()
    # when they add a person with no name and land on the next page
    answer = support.post(
        "/admin/accounts/user/add/",
        {
            "phone": UNNAMED_NUMBER,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        follow=True,
        headers={"Accept-Language": "en"},
    )
    # then the message saying so names them by the masked number, as a link
    (added,) = _messages(answer)
    assert UNNAMED_NUMBER not in added
    assert UNNAMED_MASKED in added
    assert "was added successfully" in added
    assert "<a href=" in added


def test_the_deleted_message_names_the_code_by_the_masked_number():
    # given a code once sent to a number
    support = support_client()
    code = PhoneVerification.objects.create(
        phone=UNNAMED_NUMBER,
        purpose=PhoneVerification.Purpose.SIGN_UP,
        code_hash="x",
        expires_at=timezone.now(),
    )
    # when support deletes it
    answer = support.post(
        f"/admin/accounts/phoneverification/{code.pk}/delete/",
        {"post": "yes"},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    # then the message names it masked
    (deleted,) = _messages(answer)
    assert UNNAMED_NUMBER not in deleted
    assert UNNAMED_MASKED in deleted


def _old_entry(*, object_repr: str, change_message: str) -> LogEntry:
    """An entry as written before numbers were masked."""
    support = make_user(SUPPORT_NUMBER, is_staff=True)
    person = make_user(UNNAMED_NUMBER)
    (entry,) = LogEntry.objects.log_actions(
        user_id=support.pk, queryset=[person], action_flag=CHANGE, change_message=""
    )
    LogEntry.objects.filter(pk=entry.pk).update(
        object_repr=object_repr, change_message=change_message
    )
    return entry


def test_the_migration_masks_numbers_in_old_log_entries_once():
    # given an entry naming a person by the full number, in its object and in
    # its change message (an inline row named by str(user)), and one without
    change_message = json.dumps(
        [{"added": {"name": "membership", "object": f"{UNNAMED_NUMBER} @ Mart"}}]
    )
    entry = _old_entry(object_repr=UNNAMED_NUMBER, change_message=change_message)
    other = LogEntry.objects.create(
        user_id=entry.user_id,
        object_repr="Fresh Mart, barcode 6930639271387",
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )
    # when the migration runs, and runs again
    migration.mask_numbers_in_admin_log(apps, None)
    first = LogEntry.objects.get(pk=entry.pk)
    migration.mask_numbers_in_admin_log(apps, None)
    # then the numbers are masked and the message still reads as JSON
    masked = LogEntry.objects.get(pk=entry.pk)
    assert masked.object_repr == UNNAMED_MASKED
    assert masked.get_change_message() == f"Added membership “{UNNAMED_MASKED} @ Mart”."
    assert UNNAMED_NUMBER not in masked.change_message
    # and the second run changed nothing, nor did either touch other entries
    assert (first.object_repr, first.change_message) == (
        masked.object_repr,
        masked.change_message,
    )
    kept = LogEntry.objects.get(pk=other.pk)
    assert kept.object_repr == "Fresh Mart, barcode 6930639271387"
    assert kept.change_message == '[{"changed": {"fields": ["Name"]}}]'
