"""Snap's background jobs: they load what they need and call a service."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.snap.services.demand import demand_thresholds_apply
from groupbuy.snap.services.retention import snap_photos_purge

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"))
def snap_photos_purge_daily() -> int:
    """Delete snap photos older than GROUPBUY_SNAP_PHOTO_RETENTION_DAYS."""
    purged = snap_photos_purge()
    if purged:
        logger.info("snap: deleted %d photos past their retention period", purged)
    return purged


@db_task()
def snap_classifier_retrain(operator_id: int | None = None) -> dict:
    """Retrain the category classifier from the catalog's labelled photos."""
    from django.contrib.auth import get_user_model

    from groupbuy.snap.services.training import classifier_retrain

    operator = get_user_model().objects.filter(pk=operator_id).first()
    return classifier_retrain(requested_by=operator)


@db_periodic_task(crontab(minute="*/15"))
def snap_demand_thresholds_sweep() -> dict:
    """Catch thresholds changed where no one says so: the default's setting
    (read at start) and any change made outside the catalog's services."""
    return demand_thresholds_apply()


@db_task()
def snap_demand_thresholds_apply() -> dict:
    """Apply a category's or a product's changed threshold now."""
    return demand_thresholds_apply()
