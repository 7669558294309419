"""Escrow in the project: its API, the sandbox gateway's pay page, and the
labels of the ledger transactions it posts."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    personal_data="groupbuy.escrow.personal_data:EscrowPersonalData",
    api_routers={"escrow": "groupbuy.escrow.api:router"},
    urls={"escrow/": "groupbuy.escrow.urls"},
    ledger_kinds={
        "escrow.payment.received": _("Payment received"),
        "escrow.payment.captured": _("Paid into escrow"),
        "escrow.refund.sent": _("Refunded"),
        "escrow.refund.paid": _("Refund paid out"),
        "escrow.hold.released": _("Paid to merchant"),
        "escrow.hold.pending": _("Paid, settled on redemption"),
        "escrow.redemption.settled": _("Redemption settled to merchant"),
        "escrow.redemption.reversed": _("Redemption reversed"),
        "escrow.pending.returned": _("Given back for coupons not used"),
        "escrow.released.returned": _("Given back for coupons not used"),
        "escrow.deposit.forfeited": _("Deposit kept"),
    },
    # On the merchant's money page these add to its payable balance: the money
    # is the merchant's but still on the platform until a payout sends it.
    merchant_ledger_kinds={
        "escrow.hold.released": _("Settled to your balance"),
        "escrow.redemption.settled": _("Coupon redemption settled to your balance"),
    },
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "escrow.intent.created": _("Payment created"),
        "escrow.intent.submitted": _("Payment made on the sandbox"),
        "escrow.intent.cancelled": _("Payment cancelled"),
        "escrow.intent.closed_at_provider": _("Payment closed at the provider"),
        "escrow.intent.applied": _("Held payment applied to an order"),
        "escrow.payment.captured": _("Payment received"),
        "escrow.payment.failed": _("Payment failed"),
        "escrow.hold.released": _("Held money released to the shop"),
        "escrow.hold.pending": _("Held money moved to the shop's pending earnings"),
        "escrow.refund.issued": _("Refund sent"),
        "escrow.refund.confirmed": _("Refund confirmed by the provider"),
        "escrow.redemption.settled": _("Redeemed coupon's money settled to the shop"),
        "escrow.redemption.reversed": _("Redeemed coupon's settlement undone"),
        "escrow.pending.refunded": _("Pending earnings refunded to the shopper"),
        "escrow.released.returned": _("Released money refunded to the shopper"),
        "escrow.deposit.forfeited": _("Deposit kept"),
    },
)
