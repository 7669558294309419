from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "groupbuy.deals"
    label = "deals"
    verbose_name = _("Group buys")

    def ready(self):
        from groupbuy.deals.models import DealOrder
        from groupbuy.deals.selectors.orders import (
            order_deal_titles,
            order_descriptions,
        )
        from groupbuy.deals.services import (
            order_payment_captured,
            order_payment_failed,
        )
        from groupbuy.deals.services.common import ORDER_PURPOSE
        from groupbuy.escrow.handlers import (
            register_capture_handler,
            register_earning_describer,
            register_order_describer,
            register_payment_failed_handler,
            register_purpose_label,
            register_refund_reasons,
            register_return_label,
        )

        register_capture_handler(ORDER_PURPOSE, order_payment_captured)
        register_payment_failed_handler(ORDER_PURPOSE, order_payment_failed)
        # An order's payment returns to the order page.
        register_return_label(ORDER_PURPOSE, _("Back to my order"))
        # The operator's payment page says what a payment or refund was for.
        register_purpose_label(ORDER_PURPOSE, _("Group-buy order"))
        register_refund_reasons(
            {
                **dict(DealOrder.CancelReason.choices),
                "final_price": _("Difference to the final price"),
            }
        )
        # A coupon's settlement on the shop's money page names the deal.
        register_earning_describer(ORDER_PURPOSE, order_deal_titles)
        # So does a sale's money taken back for its shopper: what was sold,
        # when, and to whom (masked).
        register_order_describer(ORDER_PURPOSE, order_descriptions)
        # Register the jobs (the every-minute sweeps) with Huey in every process.
        from groupbuy.deals import tasks  # noqa: F401
