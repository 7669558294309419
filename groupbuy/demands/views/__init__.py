"""Pages of buyer demands: the public list, drafting, paying the deposit,
joining, offers side by side, and the merchant's search and offer form.

The URLconf names the views from here; the modules split them by who uses
the pages.
"""

from groupbuy.demands.views.merchant import (
    merchant_offer,
    merchant_offer_withdraw,
    merchant_search,
    saved_search_delete,
)
from groupbuy.demands.views.shoppers import (
    demand_cancel,
    demand_deposit,
    demand_detail,
    demand_join,
    demand_list,
    demand_new,
    demand_offers,
    demand_publish,
    demand_withdraw,
    offer_accept,
)

__all__ = [
    "demand_cancel",
    "demand_deposit",
    "demand_detail",
    "demand_join",
    "demand_list",
    "demand_new",
    "demand_offers",
    "demand_publish",
    "demand_withdraw",
    "merchant_offer",
    "merchant_offer_withdraw",
    "merchant_search",
    "offer_accept",
    "saved_search_delete",
]
