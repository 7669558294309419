"""What a shop's owners are told about where its money goes.

A change of the account payouts go to is the one change that sends a shop's
money elsewhere, day after day. Someone signed in as an owner (a phone left
unlocked, a stolen session or API token) could make it silently: the audit log
kept it, but nobody reads that. So every owner, the one who made the change
included (it may not have been them), is told in the inbox and by SMS.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.core.redaction import mask_account
from groupbuy.notify.services import notification_enqueue

PAYOUT_ACCOUNT_CHANGED = "payments.payout_account.changed"


def notify_owners_payout_account_changed(*, merchant, schedule) -> None:
    """Tell each owner of ``merchant`` where its payouts go now (inside the
    caller's transaction; delivered after commit)."""
    owners = (
        MerchantMembership.objects.filter(
            merchant=merchant, role=MerchantMembership.Role.OWNER
        )
        .select_related("user")
        .order_by("pk")
    )
    body = format_lazy(
        gettext_lazy(
            "Payouts of {merchant} now go to {account}. If neither you nor "
            "another owner changed this, change it back on the Payouts page "
            "and change your password."
        ),
        merchant=merchant_name_lazy(merchant),
        account=mask_account(schedule.payee_account),
    )
    for membership in owners:
        notification_enqueue(
            recipient=membership.user,
            kind=PAYOUT_ACCOUNT_CHANGED,
            title=gettext_lazy("Your shop's payouts go to another account"),
            body=body,
            url=reverse("payments:merchant_payouts", args=[merchant.public_id]),
            data={"merchant_id": merchant.public_id},
            channels=["in_app", "sms"],
        )
