"""The audit trail cannot be edited or deleted in the Django admin."""

import pytest

from groupbuy.accounts.models import User
from groupbuy.core.audit import audit_log
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_not_even_a_superuser_deletes_an_audit_entry(client):
    # given an audit entry and a superuser signed in to the admin
    operator = User.objects.create_superuser("+8613700000401", "long-enough-pw")
    audit_log(actor=operator, action="accounts.token.created", obj=operator)
    entry = AuditEntry.objects.get()
    client.force_login(operator)

    # when they open its delete page, confirm it, or use the bulk action
    page = client.get(f"/admin/core/auditentry/{entry.pk}/delete/")
    confirmed = client.post(
        f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}
    )
    listing = client.get("/admin/core/auditentry/")
    bulk = client.post(
        "/admin/core/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    # then nothing offers or does it
    assert (page.status_code, confirmed.status_code) == (403, 403)
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
