"""Every change to demands, participations, offers and saved searches."""

from groupbuy.demands.services.forfeits import participation_forfeit
from groupbuy.demands.services.lifecycle import (
    demand_cancel,
    demand_cancel_by_platform,
    demand_change_deadline,
    demand_create,
    demand_deposit_start,
    demand_join,
    demand_publish,
    demand_withdraw,
    demands_cancel_for_erasure,
    demands_expire_due,
)
from groupbuy.demands.services.offers import (
    check_merchant_owner,
    offer_accept,
    offer_submit,
    offer_withdraw,
    offer_withdraw_by_platform,
)
from groupbuy.demands.services.order_endings import participation_end_with_order
from groupbuy.demands.services.photos import (
    demand_photo_add,
    demand_photo_delete,
    demand_photo_hide,
)
from groupbuy.demands.services.searches import saved_search_create, saved_search_delete

__all__ = [
    "check_merchant_owner",
    "demand_cancel",
    "demand_cancel_by_platform",
    "demand_change_deadline",
    "demand_create",
    "demand_deposit_start",
    "demand_join",
    "demand_photo_add",
    "demand_photo_delete",
    "demand_photo_hide",
    "demand_publish",
    "demand_withdraw",
    "demands_cancel_for_erasure",
    "demands_expire_due",
    "offer_accept",
    "offer_submit",
    "offer_withdraw",
    "offer_withdraw_by_platform",
    "participation_end_with_order",
    "participation_forfeit",
    "saved_search_create",
    "saved_search_delete",
]
