"""The deals API's shapes, and turning models into them.

Import from here: ``from groupbuy.deals.schemas import DealOut``; the modules
split the shapes by what they are about.
"""

from groupbuy.deals.schemas.deals import (
    AddStockIn,
    DealCreateIn,
    DealPageOut,
    DealSearchIn,
    DealStateFilterIn,
    DealUpdateIn,
    ProgressOut,
    ScheduleIn,
    StopIn,
    deal_outs,
)
from groupbuy.deals.schemas.detail import DealDetailOut, deal_detail_out
from groupbuy.deals.schemas.orders import (
    JoinIn,
    JoinOut,
    MerchantOrderFilterIn,
    MerchantOrderOut,
    MerchantOrderPageOut,
    OrderOut,
    OrderPageOut,
    RefundIn,
    StatusFilterIn,
    merchant_order_out,
    merchant_order_outs,
    order_out,
    order_outs,
    payment_out,
)
from groupbuy.deals.schemas.sales import SalesIn, SalesOut

__all__ = [
    "AddStockIn",
    "DealCreateIn",
    "DealDetailOut",
    "DealPageOut",
    "DealSearchIn",
    "DealStateFilterIn",
    "DealUpdateIn",
    "JoinIn",
    "JoinOut",
    "MerchantOrderFilterIn",
    "MerchantOrderOut",
    "MerchantOrderPageOut",
    "OrderOut",
    "OrderPageOut",
    "ProgressOut",
    "RefundIn",
    "SalesIn",
    "SalesOut",
    "ScheduleIn",
    "StatusFilterIn",
    "StopIn",
    "deal_detail_out",
    "deal_outs",
    "merchant_order_out",
    "merchant_order_outs",
    "order_out",
    "order_outs",
    "payment_out",
]
