"""A person changing their own profile (My profile, PATCH /api/me) is audited
as ``accounts.profile.updated`` with the fields' names, and written atomically."""

import pytest

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import User
from groupbuy.accounts.tests.helpers import make_user
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ACTION = "accounts.profile.updated"


def test_a_change_is_logged_with_the_names_of_the_fields_never_their_values():
    # given
    user = make_user(display_name="Li", email="li@example.test")
    # when they change their name, address and channel, and keep their language
    services.user_update_profile(
        actor=user,
        display_name="Li Na",
        email="na@example.test",
        contact_channel=User.ContactChannel.EMAIL,
        preferred_language="en",
    )
    # then one entry names what changed, and no value of theirs
    entry = AuditEntry.objects.get(action=ACTION)
    assert (entry.actor, entry.object_id) == (user, user.public_id)
    assert entry.data == {"fields": ["contact_channel", "display_name", "email"]}
    logged = str(entry.data)
    for private in ("na@example.test", "li@example.test", user.phone, "Li Na"):
        assert private not in logged
    user.refresh_from_db()
    assert (user.display_name, user.email) == ("Li Na", "na@example.test")


def test_nothing_changed_logs_nothing():
    # given
    user = make_user(display_name="Li", email="li@example.test")
    # when they save their profile as it is, or send nothing
    services.user_update_profile(
        actor=user,
        display_name="Li",
        email="li@example.test",
        preferred_language="en",
        contact_channel=user.contact_channel,
        inbox_only_kinds=[],
    )
    services.user_update_profile(actor=user)
    # then
    assert not AuditEntry.objects.filter(action=ACTION).exists()


def test_a_refused_value_changes_and_logs_nothing():
    # given
    user = make_user(display_name="Li")
    # when one of the values sent is refused
    with pytest.raises(AccountError) as refused:
        services.user_update_profile(
            actor=user, display_name="Li Na", preferred_language="fr"
        )
    # then the others are not written either
    assert refused.value.code == "invalid_language"
    assert user.display_name == "Li"
    user.refresh_from_db()
    assert user.display_name == "Li"
    assert not AuditEntry.objects.filter(action=ACTION).exists()


def test_a_failure_while_logging_leaves_the_profile_as_it_was(monkeypatch):
    # given an audit log that fails
    user = make_user(display_name="Li")

    def broken_audit_log(**kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr("groupbuy.accounts.services.users.audit_log", broken_audit_log)
    # when
    with pytest.raises(RuntimeError):
        services.user_update_profile(actor=user, display_name="Li Na")
    # then the change was rolled back with it
    assert User.objects.get(pk=user.pk).display_name == "Li"


def test_the_api_and_the_page_log_what_the_person_changed(client):
    # given
    user = make_user(display_name="Li")
    client.force_login(user)
    # when they change their language through the API
    response = client.patch(
        "/api/me", {"preferred_language": "zh-hans"}, content_type="application/json"
    )
    # and save the page's form unchanged, then with a new name
    form = {
        "display_name": "Li",
        "email": "",
        "preferred_language": "zh-hans",
        "contact_channel": user.contact_channel,
    }
    client.post("/me/", form)
    client.post("/me/", {**form, "display_name": "Li Na"})
    # then
    assert response.status_code == 200
    logged = AuditEntry.objects.filter(action=ACTION).order_by("id")
    assert [entry.data for entry in logged] == [
        {"fields": ["preferred_language"]},
        {"fields": ["display_name"]},
    ]
