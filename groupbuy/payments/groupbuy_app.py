"""Payments in the project: the real providers' notification endpoints and the
shopper's choice of provider (the providers themselves live in
``groupbuy.escrow.providers``)."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry, NotificationAudience

app = GroupbuyApp(
    urls={"payments/": "groupbuy.payments.urls"},
    api_routers={"payments": "groupbuy.payments.api:router"},
    personal_data="groupbuy.payments.personal_data:PaymentsPersonalData",
    nav=[
        NavEntry(
            role="operator",
            label=_("Payouts"),
            url_name="payments:operator_payouts",
            key="payouts",
            order=60,
        ),
        NavEntry(
            role="operator",
            label=_("Platform fees"),
            url_name="payments:operator_fees",
            key="fees",
            order=62,
        ),
        NavEntry(
            role="merchant",
            label=_("Payouts"),
            url_name="payments:merchant_payouts",
            key="payouts",
            order=55,
            owners_only=True,
            group="money",
        ),
    ],
    # A new shop's owners are told to say where their money goes.
    page_parts={"merchant.setup": "payments/_setup_step.html"},
    notification_kinds={
        "payments.statement.differences": _("Payment statement differences"),
        "payments.payout_account.changed": _("Payout account changed"),
    },
    notification_audiences={
        "payments.statement.differences": NotificationAudience.OPERATOR,
        "payments.payout_account.changed": NotificationAudience.MERCHANT_STAFF,
    },
    ledger_kinds={
        "payments.payout.sent": _("Payout sent"),
        "payments.payout.paid": _("Payout confirmed by the provider"),
        "payments.payout.returned": _("Payout failed, money returned"),
    },
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "payments.payment.started": _("Payment method chosen"),
        "payments.refund.abnormal": _("Refund failed at the provider"),
        "payments.statement.difference": _(
            "Difference found in a provider's statement"
        ),
        "payments.wechat.openid_linked": _("WeChat account linked for paying"),
        "payments.payout_schedule.set": _("Payout account and schedule set"),
        "payments.payout.approved": _("Payout approved"),
        "payments.payout.scheduled": _("Payout approved for a later day"),
        "payments.payout.paid": _("Payout paid"),
        "payments.payout.returned": _("Payout returned by the bank"),
    },
)
