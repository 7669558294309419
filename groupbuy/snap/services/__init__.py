"""Every state change of snap: snaps, labels, demand signals, photo retention."""

from groupbuy.snap.services.demand import (
    DemandOutcome,
    demand_fulfil,
    demand_record,
    threshold_is_passed,
)

__all__ = [
    "DemandOutcome",
    "demand_fulfil",
    "demand_record",
    "threshold_is_passed",
]
