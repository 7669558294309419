"""Uploaded photos are personal data: they are deleted after the retention period.

Photos that operators labelled live on as catalog reference images (a copy the
catalog owns), so the snap's own file goes like any other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groupbuy.core.transactions import after_commit
from groupbuy.snap.models import Snap

PURGE_BATCH = 500


def retention() -> timedelta:
    """How long a snap's photo is kept (``GROUPBUY_SNAP_PHOTO_RETENTION_DAYS``)."""
    return timedelta(days=settings.GROUPBUY_SNAP_PHOTO_RETENTION_DAYS)


def photo_kept_until(snap: Snap) -> datetime | None:
    """When the purge deletes the snap's photo; None when it has none."""
    return snap.created_at + retention() if snap.photo else None


def snap_photos_purge(*, now: datetime | None = None) -> int:
    """Delete photo files older than the retention period; return how many.

    The rows stay (with what was recognised) and their ``photo`` is blanked.
    Not audited one by one: ``photo_deleted_at`` records each deletion.
    """
    now = now or timezone.now()
    cutoff = now - retention()
    purged = 0
    while True:
        with transaction.atomic():
            batch = list(
                Snap.objects.filter(created_at__lt=cutoff)
                .exclude(photo="")
                .order_by("created_at", "pk")
                .values_list("pk", "photo")[:PURGE_BATCH]
            )
            if not batch:
                return purged
            Snap.objects.filter(pk__in=[pk for pk, _name in batch]).update(
                photo="", photo_deleted_at=now
            )
            storage = Snap._meta.get_field("photo").storage
            for _pk, name in batch:
                after_commit(storage.delete, name)
        purged += len(batch)
