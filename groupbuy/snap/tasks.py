"""Snap's background jobs: they load what they need and call a service."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.snap.services.retention import snap_photos_purge

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"))
def snap_photos_purge_daily() -> int:
    """Delete snap photos older than GROUPBUY_SNAP_PHOTO_RETENTION_DAYS."""
    purged = snap_photos_purge()
    if purged:
        logger.info("snap: deleted %d photos past their retention period", purged)
    return purged
