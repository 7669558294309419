"""An operator corrects any product's details and its category: names, brand,
barcode, specification (the unit it is sold in), description, and the data
source only operators set. From the operator's product page and API (until
2026-12-07 the Django admin only).

The same rules as a shop's edit (``product_update``): the same lengths, a GTIN
with a right check digit that no other product has. Unlike a shop's owners, an
operator may correct a product other shops sell too: what it is shows in every
shop's listings and group buys, so each correction says why, is audited with
each changed field before and after, and the owners of every shop that sells
it are told once it commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Category, Listing, Product
from groupbuy.catalog.permissions import require_operator
from groupbuy.catalog.selectors import product_name_lazy
from groupbuy.catalog.services._common import UNSET, is_set
from groupbuy.catalog.services.products import (
    _check_gtin_free,
    _product_fields,
    _save_guarding_gtin,
)
from groupbuy.catalog.signals import demand_thresholds_changed
from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit

REASON_CHARS = 500
CORRECTED = "catalog.product.corrected"
# The fields in the order the page and the audit entry list them.
FIELD_ORDER = (
    "name_zh",
    "name_en",
    "brand",
    "spec",
    "gtin",
    "category",
    "description",
    "source",
)


@dataclass(frozen=True)
class FieldChange:
    """One field a correction changes: its value before and after (a Category
    or None for ``category``, text for the others)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ProductCorrected:
    """The product as it now is, and what this call changed (none: nothing
    was different, nothing was saved or audited)."""

    product: Product
    changes: tuple[FieldChange, ...]


def _reason_or_error(reason: str) -> str:
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        message = _("Say why the product is corrected.")
        raise CatalogError("reason_needed", message, fields={"reason": [message]})
    if len(reason) > REASON_CHARS:
        message = _("Say it in %(count)d characters or fewer.") % {
            "count": REASON_CHARS
        }
        raise CatalogError("reason_too_long", message, fields={"reason": [message]})
    return reason


def _cleaned(product: Product, fields: dict) -> dict:
    """Check ``fields`` as a shop's edit does (``_product_fields``); return them
    cleaned, only those given."""
    category = fields.pop("category", UNSET)
    cleaned = _product_fields(**fields)
    if "gtin" in cleaned:
        _check_gtin_free(cleaned["gtin"], product=product)
    if is_set(category):
        if category is not None and not isinstance(category, Category):
            raise TypeError("category must be a Category or None")
        cleaned["category"] = category
    return cleaned


def _changes(product: Product, cleaned: dict) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(field, getattr(product, field), cleaned[field])
        for field in FIELD_ORDER
        if field in cleaned and getattr(product, field) != cleaned[field]
    )


def product_correction_preview(
    *, actor, product: Product, **fields
) -> tuple[FieldChange, ...]:
    """Check a correction as ``product_correct`` does and return what it would
    change, saving nothing (the page's confirm step). The fields are those of
    ``product_correct``."""
    require_operator(actor)
    return _changes(product, _cleaned(product, fields))


def product_correct(
    *,
    actor,
    product: Product,
    reason: str,
    gtin: str = UNSET,
    name_zh: str = UNSET,
    name_en: str = UNSET,
    brand: str = UNSET,
    spec: str = UNSET,
    description: str = UNSET,
    category: Category | None = UNSET,
    source: str = UNSET,
) -> ProductCorrected:
    """Correct ``product`` (operators only; see the module). A field left
    ``UNSET`` keeps its value. Sent again: nothing differs, so nothing is
    saved, audited or told."""
    require_operator(actor)
    reason = _reason_or_error(reason)
    fields = {
        "gtin": gtin,
        "name_zh": name_zh,
        "name_en": name_en,
        "brand": brand,
        "spec": spec,
        "description": description,
        "source": source,
        "category": category,
    }
    cleaned = _cleaned(product, {k: v for k, v in fields.items() if is_set(v)})
    with transaction.atomic():
        # Locked, then compared: of two corrections at once, each records what
        # it changed from what the other left.
        locked = Product.objects.select_for_update().get(pk=product.pk)
        changes = _changes(locked, cleaned)
        if changes:
            _save(actor, locked, changes, reason)
    product.refresh_from_db()
    return ProductCorrected(product=product, changes=changes)


def _save(actor, product: Product, changes: tuple[FieldChange, ...], reason: str):
    for change in changes:
        setattr(product, change.field, change.after)
    _save_guarding_gtin(product, update_fields=[change.field for change in changes])
    audit_log(
        actor=actor,
        action=CORRECTED,
        obj=product,
        data={
            "reason": reason,
            "changed": [change.field for change in changes],
            "before": {c.field: _audited(c.before) for c in changes},
            "after": {c.field: _audited(c.after) for c in changes},
        },
    )
    if any(change.field == "category" for change in changes):
        after_commit(demand_thresholds_changed.send, sender=Product)
    _tell_selling_shops(product)


def _audited(value) -> str:
    if isinstance(value, Category):
        return value.public_id
    return "" if value is None else value


def _tell_selling_shops(product: Product) -> None:
    """Tell the owners of each active shop that lists ``product`` (in the
    inbox, delivered after commit): their listings and group buys show it as
    corrected."""
    from groupbuy.accounts.models import MerchantMembership
    from groupbuy.notify.services import notification_enqueue

    merchant_ids = Listing.objects.filter(
        product=product, is_active=True, merchant__is_active=True
    ).values("merchant_id")
    owners = (
        MerchantMembership.objects.filter(
            merchant_id__in=merchant_ids,
            role=MerchantMembership.Role.OWNER,
            user__is_active=True,
        )
        .select_related("user", "merchant")
        .order_by("merchant_id", "pk")
    )
    for membership in owners:
        notification_enqueue(
            recipient=membership.user,
            kind=CORRECTED,
            title=format_lazy(
                gettext_lazy("The platform corrected “{product}”"),
                product=product_name_lazy(product),
            ),
            body=gettext_lazy(
                "Your listing and group buys of it show its corrected details."
            ),
            url=reverse("web:merchant_listings", args=[membership.merchant.public_id]),
            data={
                "product_id": product.public_id,
                "merchant_id": membership.merchant.public_id,
            },
            channels=["in_app"],
        )
