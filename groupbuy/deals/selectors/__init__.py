"""Reads of deals and orders for pages, the API and WebSockets.

Getters that fetch on behalf of a person check permission: a draft deal or
someone else's order is "not found" (404), another merchant's lists forbidden.
Callers import from here; the modules split the reads by what they are about.
"""

from groupbuy.deals.buyers import (
    deal_first_buyers,
    deal_pickup_branches,
    pickup_branch_for_deal,
)
from groupbuy.deals.selectors.deals import (
    deal_list_open,
    deal_participants,
    deal_prices,
    deal_progress,
    deal_sales_end_at,
    deals_priced,
)
from groupbuy.deals.selectors.detail import (
    DealDetail,
    deal_detail_for_user,
    deal_get_for_user,
    is_merchant_staff,
)
from groupbuy.deals.selectors.operator import (
    HeldMoney,
    deal_get_for_operator,
    deal_held_money,
    deal_orders_for_operator,
    deals_open_for_product,
)
from groupbuy.deals.selectors.orders import (
    _orders,
    deal_failure_refunded_buyers,
    deal_list_for_merchant,
    merchant_get_for_deals_staff,
    merchant_has_opened_a_deal,
    order_get_for_user,
    order_list_for_deal,
    order_list_for_shopper,
    order_money,
    order_paid_fen,
    orders_deposit_kept,
    orders_with_paid_fen,
    require_merchant_deals_staff,
)
from groupbuy.deals.selectors.titles import deal_title_for_reader, deal_title_lazy

__all__ = [
    "DealDetail",
    "HeldMoney",
    "_orders",
    "deal_detail_for_user",
    "deal_failure_refunded_buyers",
    "deal_first_buyers",
    "deal_get_for_operator",
    "deal_get_for_user",
    "deal_held_money",
    "deal_list_for_merchant",
    "deal_list_open",
    "deal_orders_for_operator",
    "deal_participants",
    "deal_pickup_branches",
    "deal_prices",
    "deal_progress",
    "deal_sales_end_at",
    "deal_title_for_reader",
    "deal_title_lazy",
    "deals_open_for_product",
    "deals_priced",
    "is_merchant_staff",
    "merchant_get_for_deals_staff",
    "merchant_has_opened_a_deal",
    "order_get_for_user",
    "order_list_for_deal",
    "order_list_for_shopper",
    "order_money",
    "order_paid_fen",
    "orders_deposit_kept",
    "orders_with_paid_fen",
    "pickup_branch_for_deal",
    "require_merchant_deals_staff",
]
