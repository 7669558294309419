"""Payments in the project: the real providers' notification endpoints and the
shopper's choice of provider (the providers themselves live in
``groupbuy.escrow.providers``)."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    urls={"payments/": "groupbuy.payments.urls"},
    notification_kinds={
        "payments.statement.differences": _("Payment statement differences")
    },
)
