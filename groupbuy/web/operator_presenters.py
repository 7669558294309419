"""What the operator's look-up and detail pages say of payments and people,
beyond what a model's own labels say."""

from __future__ import annotations

from django.utils.translation import gettext as _


def payment_status_label(intent) -> str:
    """The payment's state: "Paid" alone beside a refunded payment would say
    the money is still taken."""
    if intent.status == intent.Status.SUCCEEDED and intent.refunded_fen:
        if intent.refunded_fen >= intent.amount_fen:
            return _("Paid, then refunded")
        return _("Paid, partly refunded")
    return intent.get_status_display()
