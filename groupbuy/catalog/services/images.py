"""Product photos: thumbnails for shoppers, reference images for snap."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Product, ProductImage
from groupbuy.catalog.permissions import require_product_editor
from groupbuy.catalog.services._common import UNSET, is_set
from groupbuy.catalog.signals import reference_images_changed
from groupbuy.core.audit import audit_log
from groupbuy.core.photos import photo_without_metadata
from groupbuy.core.storage_full import field_file_save
from groupbuy.core.transactions import after_commit
from groupbuy.snap.recognition.image import (
    SnapImageError,
    load_snap_image,
    sniff_format,
)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The snap checks' refusals as HTTP statuses: bombs are too large, other
# formats unsupported, truncated or empty files unprocessable.
_REFUSAL_STATUS = {
    "too_large": 413,
    "too_many_pixels": 413,
    "unsupported_format": 415,
    "animated": 415,
}


def _read_image(upload) -> tuple[bytes, str]:
    """Return the bytes and file extension of a valid photo, or raise.

    The photo goes through snap's intake checks (size, magic bytes, header
    dimensions, then a full decode with the bomb guard armed), so a photo
    the recogniser would refuse is never stored as a product photo either.
    """
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
        raise _refused(SnapImageError("unsupported_format", _NOT_A_PHOTO))
    # Stored public: without the EXIF that says where it was taken.
    return photo_without_metadata(data, image_format), ALLOWED_FORMATS[image_format]


_NOT_A_PHOTO = gettext_lazy("This file is not a JPEG, PNG or WebP photo.")


def _refused(error: SnapImageError) -> CatalogError:
    status = _REFUSAL_STATUS.get(error.code, 422)
    message = str(_NOT_A_PHOTO if status == 415 else error.message)
    code = {413: "image_too_big", 415: "bad_image"}.get(status, "damaged_image")
    return CatalogError(code, message, status=status, fields={"image": [message]})


def _notify_reference_change(product: Product) -> None:
    after_commit(
        reference_images_changed.send,
        sender=ProductImage,
        product_public_id=product.public_id,
    )


LAST_REFERENCE_WARNING = gettext_lazy(
    "Shoppers who photograph this product will no longer find it by its look; "
    "its barcode and name still work."
)
MOVE_DIRECTIONS = ("up", "down")


def _lock_photos(product: Product) -> list[ProductImage]:
    """Lock ``product`` until the caller's transaction commits; return its
    photos as shoppers see them: the main one first, then by position.

    Every change to the photos' order or flags takes this lock first, so two
    moves, or a move and a removal, never read the same order and write it
    back twice, and two owners never stop a product's last two recognition
    photos at once.
    """
    locked = Product.objects.select_for_update(no_key=True).filter(pk=product.pk)
    locked.values_list("pk", flat=True).first()
    return list(product.images.order_by("-is_primary", "position", "id"))


def _renumber(photos: list[ProductImage]) -> None:
    """Write positions 0, 1, 2… in the order of ``photos``, where they differ."""
    moved = []
    for position, photo in enumerate(photos):
        if photo.position != position:
            photo.position = position
            moved.append(photo)
    ProductImage.objects.bulk_update(moved, ["position"])


def _require_confirmed_if_last_reference(
    photos: list[ProductImage], image: ProductImage, confirmed: bool
) -> None:
    """Refuse to take away a product's last recognition photo unconfirmed:
    snap would stop recognising the product by its look."""
    references = {photo.pk for photo in photos if photo.is_reference}
    if references == {image.pk} and not confirmed:
        message = str(LAST_REFERENCE_WARNING)
        raise CatalogError("last_reference", message, status=409)


def _make_only_primary(image: ProductImage) -> None:
    ProductImage.objects.filter(product_id=image.product_id, is_primary=True).exclude(
        pk=image.pk
    ).update(is_primary=False)


def product_image_add(
    *,
    actor,
    product: Product,
    upload,
    is_reference: bool = False,
    is_primary: bool = False,
) -> ProductImage:
    """Store a photo of ``product``; the product's first photo becomes primary."""
    require_product_editor(actor, product)
    data, extension = _read_image(upload)
    with transaction.atomic():
        photos = _lock_photos(product)
        image = ProductImage(
            product=product,
            is_reference=bool(is_reference),
            is_primary=bool(is_primary) or not photos,
            position=max((photo.position + 1 for photo in photos), default=0),
        )
        field_file_save(
            image.image, f"{uuid.uuid4().hex}.{extension}", ContentFile(data)
        )
        image.save()
        if image.is_primary:
            _make_only_primary(image)
        audit_log(
            actor=actor,
            action="catalog.product.image_added",
            obj=product,
            data={
                "image": image.public_id,
                "is_reference": image.is_reference,
                "is_primary": image.is_primary,
            },
        )
        if image.is_reference:
            _notify_reference_change(product)
    return image


def product_image_update(
    *,
    actor,
    image: ProductImage,
    is_reference: bool = UNSET,
    is_primary: bool = UNSET,
    confirm_last_reference: bool = False,
) -> ProductImage:
    """Mark a photo as a recognition reference, or as the thumbnail.

    Stopping the product's last recognition photo needs
    ``confirm_last_reference`` (``LAST_REFERENCE_WARNING`` says why).
    """
    product = image.product
    require_product_editor(actor, product)
    changed = []
    with transaction.atomic():
        photos = _lock_photos(product)
        image = _current(photos, image)
        if is_set(is_reference) and not is_reference:
            _require_confirmed_if_last_reference(photos, image, confirm_last_reference)
        if is_set(is_reference) and image.is_reference != bool(is_reference):
            image.is_reference = bool(is_reference)
            changed.append("is_reference")
        # Only switching a photo on as primary makes sense: the thumbnail moves to
        # another photo by marking that one.
        if is_set(is_primary) and is_primary and not image.is_primary:
            image.is_primary = True
            changed.append("is_primary")
        if changed:
            image.save(update_fields=changed)
            if image.is_primary:
                _make_only_primary(image)
            audit_log(
                actor=actor,
                action="catalog.product.image_updated",
                obj=product,
                data={"image": image.public_id, "changed": changed},
            )
            if "is_reference" in changed:
                _notify_reference_change(product)
    return image


def product_image_delete(
    *, actor, image: ProductImage, confirm_last_reference: bool = False
) -> None:
    """Delete a photo; its file goes once the deletion is committed. The next
    photo in the merchant's order becomes the main one if this one was.

    Removing the product's last recognition photo needs
    ``confirm_last_reference`` (``LAST_REFERENCE_WARNING`` says why).
    """
    product = image.product
    require_product_editor(actor, product)
    with transaction.atomic():
        photos = _lock_photos(product)
        image = _current(photos, image)
        _require_confirmed_if_last_reference(photos, image, confirm_last_reference)
        was_primary, was_reference = image.is_primary, image.is_reference
        storage, name = image.image.storage, image.image.name
        public_id = image.public_id
        image.delete()
        rest = [photo for photo in photos if photo.public_id != public_id]
        if was_primary and rest:
            rest[0].is_primary = True
            rest[0].save(update_fields=["is_primary"])
        _renumber(rest)
        audit_log(
            actor=actor,
            action="catalog.product.image_deleted",
            obj=product,
            data={"image": public_id},
        )
        if name:
            after_commit(storage.delete, name)
        if was_reference:
            _notify_reference_change(product)


def product_image_move(*, actor, image: ProductImage, direction: str) -> ProductImage:
    """Move a photo one place ``up`` or ``down`` in the order shoppers see the
    product's photos in; the main photo stays first.

    At either end the photo stays where it is (nothing is logged). The
    product's photos are numbered 0, 1, 2… afresh, so the order heals any
    gap or tie an older release left.
    """
    if direction not in MOVE_DIRECTIONS:
        raise CatalogError("invalid", _("Move a photo up or down."), status=422)
    product = image.product
    require_product_editor(actor, product)
    with transaction.atomic():
        photos = _lock_photos(product)
        image = _current(photos, image)
        if image.is_primary:
            raise CatalogError("main_photo_first", _main_photo_first(), status=409)
        here = photos.index(image)
        there = here - 1 if direction == "up" else here + 1
        if there < 0 or there >= len(photos) or photos[there].is_primary:
            return image
        photos[here], photos[there] = photos[there], photos[here]
        _renumber(photos)
        audit_log(
            actor=actor,
            action="catalog.product.image_moved",
            obj=product,
            data={
                "image": image.public_id,
                "direction": direction,
                "position": image.position,
            },
        )
    return image


def _main_photo_first() -> str:
    return _(
        "Shoppers always see the main photo first. To move it, make another "
        "photo the main one."
    )


def _current(photos: list[ProductImage], image: ProductImage) -> ProductImage:
    """Return ``image`` as read under the lock, or refuse if it is gone."""
    for photo in photos:
        if photo.pk == image.pk:
            photo.product = image.product
            return photo
    message = _("No such %(what)s.") % {"what": _("photo")}
    raise CatalogError("not_found", message, status=404)
