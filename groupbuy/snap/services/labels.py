"""Operators label snaps recognition could not place.

Labelling attaches the photo to the product as a reference image (through the
catalog's services), so the appearance stage recognises the next photo of it;
the catalog announces the new reference after commit and snap's appearance
index adds it (see ``groupbuy.snap.engine``).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Product
from groupbuy.catalog.services.images import product_image_add
from groupbuy.catalog.services.products import product_create
from groupbuy.core.audit import audit_log
from groupbuy.core.echo import echoed
from groupbuy.snap import deal_lookup
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import Snap
from groupbuy.snap.permissions import require_operator
from groupbuy.snap.services.demand import demand_record
from groupbuy.snap.services.snaps import CORRECTED_KEY

NEW_PRODUCT_FIELDS = ("name_zh", "name_en", "gtin", "brand", "spec", "category")

# In a snap's result: the product named at once that a shopper disputed and an
# operator's label then confirmed (the recogniser was right).
UPHELD_KEY = "upheld_by_label"


def snap_label(
    *,
    actor,
    snap: Snap,
    product: Product | None = None,
    new_product: dict | None = None,
) -> Snap:
    """Say which product a snap shows: an existing one or a new one.

    ``new_product`` holds product_create's fields (name_zh, name_en, gtin, brand,
    spec, category). Labelling a snap again with the same product changes
    nothing; with another product it is refused.
    """
    require_operator(actor)
    if (product is None) == (new_product is None):
        raise SnapError(
            "invalid",
            _("Choose an existing product or describe a new one."),
            fields={"product": [_("Choose one.")]},
        )
    with transaction.atomic():
        snap = Snap.objects.select_for_update().get(pk=snap.pk)
        if snap.status == Snap.Status.LABELLED:
            if product is not None and snap.product_id == product.pk:
                return snap
            raise SnapError(
                "already_labelled",
                _("This photo was already labelled as “%(product)s”.")
                % {"product": snap.product.name if snap.product else "?"},
                status=409,
            )
        if not snap.photo:
            raise _photo_gone()
        if product is None:
            product = _product_create(actor, new_product)
        image = _reference_add(actor, snap, product)
        snap.status = Snap.Status.LABELLED
        snap.product = product
        snap.labelled_by = actor
        snap.labelled_at = timezone.now()
        snap.reference_image = image
        if snap.result.get(CORRECTED_KEY) == product.public_id:
            # The shopper said the product named at once was wrong; it was not.
            snap.result = {**snap.result, UPHELD_KEY: snap.result[CORRECTED_KEY]}
            del snap.result[CORRECTED_KEY]
        snap.save(
            update_fields=[
                "status",
                "product",
                "labelled_by",
                "labelled_at",
                "reference_image",
                "result",
            ]
        )
        audit_log(
            actor=actor,
            action="snap.snap.labelled",
            obj=snap,
            data={"product": product.public_id, "reference_image": image.public_id},
        )
        # The person who snapped it asked for this product all along.
        if snap.user is not None and not deal_lookup.product_has_open_deal(product):
            demand_record(
                actor=snap.user, product=product, snap=snap, snapped_at=snap.created_at
            )
    return snap


def _photo_gone() -> SnapError:
    return SnapError(
        "photo_deleted",
        _("This photo has been deleted, so it cannot be labelled."),
        status=409,
    )


def _product_create(actor, fields: dict) -> Product:
    unknown = set(fields) - set(NEW_PRODUCT_FIELDS)
    if unknown:
        raise SnapError(
            "invalid",
            _("Unknown product fields: %(fields)s")
            % {"fields": ", ".join(sorted(echoed(name) for name in unknown))},
        )
    return product_create(actor=actor, **fields)


def _reference_add(actor, snap: Snap, product: Product):
    try:
        with snap.photo.open("rb") as photo:
            data = photo.read()
    except OSError:
        raise _photo_gone() from None
    return product_image_add(
        actor=actor,
        product=product,
        upload=ContentFile(data, name=f"{snap.public_id}.jpg"),
        is_reference=True,
    )
