"""Creating, editing and opening deals (merchant owners for their merchant;
operators for any).

Import from here; the modules split the work by step: the limits a deal's
terms keep, checking them, creating, editing and opening a deal.
"""

from groupbuy.deals.services.setup.creating import deal_create, deal_created_with
from groupbuy.deals.services.setup.editing import deal_update
from groupbuy.deals.services.setup.limits import (
    MOST_BUYERS_PER_TIER,
    MOST_STOCK,
    MOST_UNITS_PER_ORDER,
    deadline_passed,
    deadline_too_late,
    everyday_price_exceeded,
    group_price_not_below,
    latest_deadline,
    stock_too_large,
)
from groupbuy.deals.services.setup.opening import (
    check_has_pickup_branch,
    deal_open,
    schedule_close_at_deadline,
)

__all__ = [
    "MOST_BUYERS_PER_TIER",
    "MOST_STOCK",
    "MOST_UNITS_PER_ORDER",
    "check_has_pickup_branch",
    "deadline_passed",
    "deadline_too_late",
    "deal_create",
    "deal_created_with",
    "deal_open",
    "deal_update",
    "everyday_price_exceeded",
    "group_price_not_below",
    "latest_deadline",
    "schedule_close_at_deadline",
    "stock_too_large",
]
