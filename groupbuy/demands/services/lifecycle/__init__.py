"""A demand from draft to published, joins, withdrawals, cancellation, expiry.

Import from here (or from ``groupbuy.demands.services``); the modules split
the life by its steps.
"""

from groupbuy.demands.services.lifecycle.closing import (
    demand_cancel,
    demand_cancel_by_platform,
    demands_cancel_for_erasure,
    demands_expire_due,
)
from groupbuy.demands.services.lifecycle.deadline import demand_change_deadline
from groupbuy.demands.services.lifecycle.drafting import (
    demand_create,
    demand_deposit_start,
    demand_publish,
)
from groupbuy.demands.services.lifecycle.joining import demand_join, demand_withdraw

__all__ = [
    "demand_cancel",
    "demand_cancel_by_platform",
    "demand_change_deadline",
    "demand_create",
    "demand_deposit_start",
    "demand_join",
    "demand_publish",
    "demand_withdraw",
    "demands_cancel_for_erasure",
    "demands_expire_due",
]
