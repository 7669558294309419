"""Payment pages, one module per concern: the payer's choice of provider
(``paying``), the providers' notifications (``notify``), the payouts'
pages for operators and merchants (``payouts``) and the operators' page of
the platform's fee income (``fees``)."""

from groupbuy.payments.views.fees import operator_fees
from groupbuy.payments.views.notify import provider_notify
from groupbuy.payments.views.paying import pay, wechat_oauth_return
from groupbuy.payments.views.payouts import merchant_payouts, operator_payouts

__all__ = [
    "merchant_payouts",
    "operator_fees",
    "operator_payouts",
    "pay",
    "provider_notify",
    "wechat_oauth_return",
]
