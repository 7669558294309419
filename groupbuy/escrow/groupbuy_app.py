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
)
