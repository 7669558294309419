"""A demand's photos: up to three, added and removed by its initiator.

Checked like product photos (groupbuy.catalog.services.images): the size, the
first bytes and a full decode with the decompression-bomb guard, through snap's
intake checks; only JPEG, PNG and WebP are kept. They live in the public media
(a published demand is public), under ``demands/<demand id>/``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import is_operator
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden, NotFound
from groupbuy.core.photos import photo_without_metadata
from groupbuy.core.storage_full import field_file_save
from groupbuy.core.transactions import after_commit
from groupbuy.demands.errors import DemandError
from groupbuy.demands.live import push_photo_hidden, push_photo_removed
from groupbuy.demands.models import Demand, DemandPhoto
from groupbuy.demands.photo_storage import HIDDEN_PREFIX
from groupbuy.snap.recognition.image import (
    SnapImageError,
    load_snap_image,
    sniff_format,
)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
_STATUS = {"too_large": 413, "too_many_pixels": 413, "unsupported_format": 415}


def _refused(error: SnapImageError) -> DemandError:
    status = _STATUS.get(error.code, 422)
    if error.code == "too_many_pixels":
        # A pixel bomb is small on the wire: calling it "too large (10 MB)"
        # sent people looking for a smaller file that would be refused again.
        message = _(
            "This photo has too many pixels (at most %(millions)d million). "
            "Please send a smaller one."
        ) % {"millions": settings.GROUPBUY_SNAP_MAX_PIXELS // 1_000_000}
        return DemandError(
            "too_many_pixels", message, status=413, fields={"photo": [message]}
        )
    if status == 415:
        message = _("This file is not a JPEG, PNG or WebP photo.")
    elif status == 413:
        message = _("This photo is too large (at most %(mb)s MB).") % {
            "mb": settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES // (1024 * 1024)
        }
    else:
        message = _("This photo is damaged or cannot be read.")
    code = {413: "image_too_big", 415: "bad_image"}.get(status, "damaged_image")
    return DemandError(code, message, status=status, fields={"photo": [message]})


def read_photo(upload) -> tuple[bytes, str]:
    """Return the bytes and extension of an acceptable photo, or refuse it."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES + 1)
    try:
        load_snap_image(
            data,
            max_bytes=settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES,
            max_pixels=settings.GROUPBUY_SNAP_MAX_PIXELS,
        )
    except SnapImageError as error:
        raise _refused(error) from None
    image_format = sniff_format(data)
    if image_format not in ALLOWED_FORMATS:
        raise _refused(SnapImageError("unsupported_format", ""))
    # Stored public: without the EXIF that says where it was taken.
    return photo_without_metadata(data, image_format), ALLOWED_FORMATS[image_format]


def _check_initiator(actor, demand: Demand) -> None:
    if demand.initiator_id != getattr(actor, "pk", None):
        raise Forbidden("forbidden", _("Only the buyer who started this can do that."))


def demand_photo_add(*, actor, demand: Demand, upload) -> DemandPhoto:
    """Add a photo to an open demand; at most DemandPhoto.MAX_PHOTOS."""
    _check_initiator(actor, demand)
    data, extension = read_photo(upload)
    with transaction.atomic():
        # The demand's row lock makes "count, then add" safe against a second
        # upload racing this one.
        demand = Demand.objects.select_for_update().get(pk=demand.pk)
        if not demand.is_open:
            raise Conflict("demand_closed", _("This demand is closed."))
        if demand.photos.filter(hidden_at__isnull=True).count() >= (
            DemandPhoto.MAX_PHOTOS
        ):
            message = _("A demand has at most %(count)s photos.") % {
                "count": DemandPhoto.MAX_PHOTOS
            }
            raise Conflict("too_many_photos", message, fields={"photo": [message]})
        photo = DemandPhoto(demand=demand)
        field_file_save(
            photo.image, f"{uuid.uuid4().hex}.{extension}", ContentFile(data)
        )
        photo.save()
        audit_log(
            actor=actor,
            action="demands.demand.photo_added",
            obj=demand,
            data={"photo": photo.public_id},
        )
    return photo


def demand_photo_delete(*, actor, demand: Demand, photo_id: str) -> None:
    """Remove one of the demand's photos (its file goes after commit), and
    off the pages open on the demand."""
    _check_initiator(actor, demand)
    with transaction.atomic():
        photo = DemandPhoto.objects.filter(
            demand=demand, public_id=photo_id, hidden_at__isnull=True
        ).first()
        if photo is None:
            raise NotFound("not_found", _("There is no such photo."))
        name, storage = photo.image.name, photo.image.storage
        photo.delete()
        audit_log(
            actor=actor,
            action="demands.demand.photo_deleted",
            obj=demand,
            data={"photo": photo_id},
        )
        after_commit(storage.delete, name)
        # A draft has no watchers: its socket is refused (demands.consumers).
        if demand.state != Demand.State.DRAFT:
            push_photo_removed(
                demand_public_id=demand.public_id, photo_public_id=photo_id
            )


def demand_photo_hide(*, actor, photo_id: str) -> DemandPhoto:
    """Hide a photo for everyone but operators (after a report): its file
    moves to the private media, so its public address stops answering. Safe
    to repeat; operators only."""
    if not is_operator(actor):
        raise Forbidden("forbidden", _("Only operators can hide a photo."))
    with transaction.atomic():
        photo = (
            DemandPhoto.objects.select_for_update().filter(public_id=photo_id).first()
        )
        if photo is None:
            raise NotFound("not_found", _("There is no such photo."))
        if photo.hidden_at is not None:
            return photo
        old_name, storage = photo.image.name, photo.image.storage
        hidden_name = HIDDEN_PREFIX + "/" + old_name.split("/", 1)[1]
        with storage.open(old_name, "rb") as source:
            photo.image.name = storage.save(hidden_name, source)
        photo.hidden_at = timezone.now()
        photo.save(update_fields=["image", "hidden_at"])
        audit_log(
            actor=actor,
            action="demands.demand.photo_hidden",
            obj=photo.demand,
            data={"photo": photo_id},
        )
        # (were this rolled back, the private copy would stay behind unused)
        after_commit(storage.delete, old_name)
        push_photo_hidden(
            demand_public_id=photo.demand.public_id, photo_public_id=photo_id
        )
    return photo
