"""Every change to deals and their orders (see each module for the rules).

Import from here: ``from groupbuy.deals.services import deal_join``.
"""

from groupbuy.deals.services.cancelling import (
    deal_order_cancel,
    deal_order_cancel_unpaid,
    deal_orders_expire_unpaid,
    order_cancel_refusal,
    order_cancel_refusals,
)
from groupbuy.deals.services.closing import (
    deal_close,
    deal_close_now,
    deal_is_due,
    deal_settle,
    deal_stop,
    deals_close_due,
)
from groupbuy.deals.services.common import check_can_manage
from groupbuy.deals.services.orders import (
    deal_join,
    join_refusal,
    order_payment_captured,
)
from groupbuy.deals.services.outside import (
    Participant,
    deal_change_schedule,
    deal_create_with_participants,
)
from groupbuy.deals.services.payment_retry import (
    deal_order_payment_retry,
    order_payment_failed,
    order_payment_retry_refusal,
)
from groupbuy.deals.services.refunds import (
    deal_order_refund,
    deal_order_units_refunded,
)
from groupbuy.deals.services.settle_batch import (
    deal_orders_follow_up,
    deal_orders_follow_up_due,
)
from groupbuy.deals.services.settle_order import issue_coupons_for_confirmed_order
from groupbuy.deals.services.setup import (
    deal_create,
    deal_created_with,
    deal_open,
    deal_update,
)
from groupbuy.deals.services.stock import (
    deal_add_stock,
    stock_addition_record,
    stock_addition_repeated,
)
from groupbuy.deals.services.tier_alerts import deal_tier_reached_notify
from groupbuy.deals.services.unit_refunds import deal_order_refund_units

__all__ = [
    "Participant",
    "check_can_manage",
    "deal_add_stock",
    "deal_change_schedule",
    "deal_close",
    "deal_close_now",
    "deal_create",
    "deal_create_with_participants",
    "deal_created_with",
    "deal_is_due",
    "deal_join",
    "deal_open",
    "deal_order_cancel",
    "deal_order_cancel_unpaid",
    "deal_order_payment_retry",
    "deal_order_refund",
    "deal_order_refund_units",
    "deal_order_units_refunded",
    "deal_orders_expire_unpaid",
    "deal_orders_follow_up",
    "deal_orders_follow_up_due",
    "deal_settle",
    "deal_stop",
    "deal_tier_reached_notify",
    "deal_update",
    "deals_close_due",
    "issue_coupons_for_confirmed_order",
    "join_refusal",
    "order_cancel_refusal",
    "order_cancel_refusals",
    "order_payment_captured",
    "order_payment_failed",
    "order_payment_retry_refusal",
    "stock_addition_record",
    "stock_addition_repeated",
]
