"""Every state change of snap: snaps, labels, demand signals, photo retention."""

from groupbuy.snap.services.demand import (
    DemandOutcome,
    demand_fulfil,
    demand_record,
    threshold_is_passed,
)
from groupbuy.snap.services.labels import snap_label
from groupbuy.snap.services.live import snap_code_submit
from groupbuy.snap.services.retention import snap_photos_purge
from groupbuy.snap.services.snaps import (
    SnapOutcome,
    snap_alternative_choose,
    snap_image_load,
    snap_none_of_these,
    snap_photo_delete,
    snap_submit,
)

__all__ = [
    "DemandOutcome",
    "SnapOutcome",
    "demand_fulfil",
    "demand_record",
    "snap_alternative_choose",
    "snap_code_submit",
    "snap_image_load",
    "snap_label",
    "snap_none_of_these",
    "snap_photo_delete",
    "snap_photos_purge",
    "snap_submit",
    "threshold_is_passed",
]
