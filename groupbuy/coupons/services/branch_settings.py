"""What a shop sets about its branches' coupons."""

from __future__ import annotations

from django.db import transaction

from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.core.audit import audit_log
from groupbuy.coupons.models import BranchSettings


def branch_offline_set(*, actor, branch, enabled: bool):
    """Allow or forbid offline redemption at a branch (an explicit choice)."""
    require_merchant_owner(actor, branch.merchant)
    with transaction.atomic():
        settings_row, _created = (
            BranchSettings.objects.select_for_update().get_or_create(branch=branch)
        )
        if settings_row.offline_enabled != enabled:
            settings_row.offline_enabled = enabled
            settings_row.save(update_fields=["offline_enabled"])
            audit_log(
                actor=actor,
                action="coupons.branch.offline_set",
                obj=branch,
                data={"offline_enabled": enabled},
            )
    return settings_row
