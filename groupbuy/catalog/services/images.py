"""Product photos: thumbnails for shoppers, reference images for snap."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
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
        is_first = not product.images.exists()
        image = ProductImage(
            product=product,
            is_reference=bool(is_reference),
            is_primary=bool(is_primary) or is_first,
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
) -> ProductImage:
    """Mark a photo as a recognition reference, or as the thumbnail."""
    product = image.product
    require_product_editor(actor, product)
    changed = []
    with transaction.atomic():
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


def product_image_delete(*, actor, image: ProductImage) -> None:
    """Delete a photo; its file goes once the deletion is committed."""
    product = image.product
    require_product_editor(actor, product)
    with transaction.atomic():
        was_primary, was_reference = image.is_primary, image.is_reference
        storage, name = image.image.storage, image.image.name
        public_id = image.public_id
        image.delete()
        if was_primary:
            successor = product.images.order_by("id").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary"])
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
