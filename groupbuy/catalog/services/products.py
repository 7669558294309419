"""Products and their aliases."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.gtin import clean_gtin, gtin14
from groupbuy.catalog.models import Category, Merchant, Product, ProductAlias
from groupbuy.catalog.permissions import (
    forbidden,
    is_operator,
    require_merchant_owner,
    require_operator,
    require_product_editor,
)
from groupbuy.catalog.services._common import (
    UNSET,
    apply_changes,
    clean_text,
    invalid,
    is_set,
)
from groupbuy.catalog.signals import demand_thresholds_changed
from groupbuy.core import plugins
from groupbuy.core.audit import audit_log
from groupbuy.core.locks import transaction_lock
from groupbuy.core.transactions import after_commit


def clean_product_gtin(raw: str) -> str:
    """Return the GTIN without spaces or dashes ("" for none), or raise."""
    if not (raw or "").strip():
        return ""
    try:
        return clean_gtin(raw)
    except ValidationError as error:
        raise invalid("gtin", error.messages[0], code="invalid_gtin") from None


def _gtin_taken(existing: Product) -> CatalogError:
    message = _("GTIN %(gtin)s already belongs to “%(name)s” (%(id)s).") % {
        "gtin": existing.gtin,
        "name": existing.name,
        "id": existing.public_id,
    }
    return CatalogError("gtin_taken", message, status=409, fields={"gtin": [message]})


def _check_gtin_free(code: str, *, product: Product | None = None) -> None:
    if not code:
        return
    others = Product.objects.filter(gtin14=gtin14(code))
    if product is not None:
        others = others.exclude(pk=product.pk)
    existing = others.first()
    if existing is not None:
        raise _gtin_taken(existing)


def _save_guarding_gtin(product: Product, **save_kwargs) -> None:
    """Save; a concurrent insert of the same GTIN still becomes a clear 409."""
    try:
        with transaction.atomic():
            product.save(**save_kwargs)
    except IntegrityError:
        existing = Product.objects.filter(gtin14=gtin14(product.gtin)).first()
        if existing is None:
            raise
        raise _gtin_taken(existing) from None


def _product_fields(
    *,
    gtin=UNSET,
    name_zh=UNSET,
    name_en=UNSET,
    brand=UNSET,
    spec=UNSET,
    description=UNSET,
    source=UNSET,
) -> dict:
    fields = {}
    if is_set(gtin):
        fields["gtin"] = clean_product_gtin(gtin)
    labels = {
        "name_zh": (name_zh, _("Chinese name"), 200, True),
        "name_en": (name_en, _("English name"), 200, False),
        "brand": (brand, _("brand"), 120, False),
        "spec": (spec, _("specification"), 120, False),
        "source": (source, _("data source"), 255, False),
    }
    for field, (value, label, max_length, required) in labels.items():
        if is_set(value):
            fields[field] = clean_text(
                value,
                field=field,
                label=label,
                max_length=max_length,
                required=required,
            )
    if is_set(description):
        fields["description"] = (description or "").strip()
    return fields


def _require_product_creator(actor, merchant: Merchant | None) -> None:
    if merchant is not None:
        require_merchant_owner(actor, merchant)
    elif not is_operator(actor):
        raise forbidden(
            _(
                "Only operators, or merchant owners on behalf of their merchant, "
                "may add products."
            )
        )


def _refuse_a_second_copy(merchant: Merchant | None, fields: dict) -> None:
    """Refuse a product without a barcode that ``merchant`` already added (the
    same Chinese name, brand and specification, case aside): nobody can tell
    the two apart, and the form sent again (a retry, reload and resend) made
    one more each time. A barcode is already unique (``_check_gtin_free``).
    Call inside the transaction that saves the product."""
    if merchant is None or fields["gtin"]:
        return
    transaction_lock(f"product-added-by:{merchant.pk}")
    existing = (
        Product.objects.filter(
            added_by_merchant=merchant,
            is_active=True,
            gtin="",
            name_zh__iexact=fields["name_zh"],
            brand__iexact=fields["brand"],
            spec__iexact=fields["spec"],
        )
        .order_by("pk")
        .first()
    )
    if existing is None:
        return
    message = _(
        "Your shop already has “%(name)s” (%(id)s) with this brand and "
        "specification: edit that one under Our products instead of adding it "
        "again."
    ) % {"name": existing.name_zh, "id": existing.public_id}
    raise CatalogError(
        "product_exists", message, status=409, fields={"name_zh": [message]}
    )


def product_create(
    *,
    actor,
    name_zh: str,
    gtin: str = "",
    name_en: str = "",
    brand: str = "",
    spec: str = "",
    description: str = "",
    category: Category | None = None,
    source: str = "",
    aliases: Iterable[str] = (),
    merchant: Merchant | None = None,
) -> Product:
    """Add a product; a merchant owner adds it for ``merchant`` and may edit it."""
    _require_product_creator(actor, merchant)
    fields = _product_fields(
        gtin=gtin,
        name_zh=name_zh,
        name_en=name_en,
        brand=brand,
        spec=spec,
        description=description,
        source=source,
    )
    alias_texts = [_clean_alias(text) for text in aliases]
    _check_gtin_free(fields["gtin"])
    with transaction.atomic():
        _refuse_a_second_copy(merchant, fields)
        product = Product(category=category, added_by_merchant=merchant, **fields)
        _save_guarding_gtin(product)
        for text in dict.fromkeys(alias_texts):
            ProductAlias.objects.create(product=product, text=text)
        audit_log(
            actor=actor,
            action="catalog.product.created",
            obj=product,
            data={"gtin": product.gtin, "aliases": list(dict.fromkeys(alias_texts))},
        )
    return product


def product_update(
    *,
    actor,
    product: Product,
    gtin: str = UNSET,
    name_zh: str = UNSET,
    name_en: str = UNSET,
    brand: str = UNSET,
    spec: str = UNSET,
    description: str = UNSET,
    category: Category | None = UNSET,
    source: str = UNSET,
    is_active: bool = UNSET,
) -> Product:
    require_product_editor(actor, product)
    fields = _product_fields(
        gtin=gtin,
        name_zh=name_zh,
        name_en=name_en,
        brand=brand,
        spec=spec,
        description=description,
        source=source,
    )
    if "gtin" in fields:
        _check_gtin_free(fields["gtin"], product=product)
    if is_set(category):
        fields["category"] = category
    if is_set(is_active):
        fields["is_active"] = bool(is_active)
    with transaction.atomic():
        before_gtin = product.gtin
        changed = apply_changes(product, fields)
        if changed:
            _save_guarding_gtin(product, update_fields=changed)
            data = {"changed": changed}
            if "gtin" in changed:
                data["gtin"] = {"from": before_gtin, "to": product.gtin}
            audit_log(
                actor=actor, action="catalog.product.updated", obj=product, data=data
            )
            if "category" in changed:
                after_commit(demand_thresholds_changed.send, sender=Product)
    return product


def _clean_alias(text: str) -> str:
    return clean_text(
        text, field="text", label=_("alias"), max_length=200, required=True
    )


def product_alias_add(
    *, actor, product: Product, text: str, language: str = ""
) -> ProductAlias:
    """Add another name for ``product``; adding an existing alias changes nothing."""
    require_product_editor(actor, product)
    text = _clean_alias(text)
    language = (language or "").strip()[:10]
    with transaction.atomic():
        alias, created = ProductAlias.objects.get_or_create(
            product=product, text=text, defaults={"language": language}
        )
        if created:
            audit_log(
                actor=actor,
                action="catalog.product.alias_added",
                obj=product,
                data={"text": text, "language": language},
            )
    return alias


def product_alias_remove(*, actor, product: Product, text: str) -> Product:
    """Remove an alias of ``product``; removing a missing alias changes nothing."""
    require_product_editor(actor, product)
    text = " ".join((text or "").split())
    with transaction.atomic():
        deleted, _rows = ProductAlias.objects.filter(
            product=product, text=text
        ).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="catalog.product.alias_removed",
                obj=product,
                data={"text": text},
            )
    return product


def product_selling_stop(*, actor, product: Product) -> Product:
    """Stop selling ``product`` on the platform (operators only).

    Snap and the catalogue's search stop finding it; no shop may list it or
    open a group buy of it; its open group buys stay open but take no new
    joins (``deals.join_guards``): their orders stay, and they close at their
    deadline as before; the owners of each shop with such a group buy are told
    (``product_selling_changed``). Sent again, nothing changes, nothing is
    logged and nobody is told."""
    return _product_selling_set(actor=actor, product=product, is_active=False)


def product_selling_resume(*, actor, product: Product) -> Product:
    """Sell a stopped ``product`` again (operators only): found, listed and
    joined as before, and the shops with an open group buy of it told so.
    Sent again, nothing changes, nothing is logged and nobody is told."""
    return _product_selling_set(actor=actor, product=product, is_active=True)


def _product_selling_set(*, actor, product: Product, is_active: bool) -> Product:
    require_operator(actor)
    with transaction.atomic():
        # Locked, then read: of two operators sending it at once, one changes
        # it and logs it, the other finds it done.
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if locked.is_active != is_active:
            locked.is_active = is_active
            locked.save(update_fields=["is_active"])
            audit_log(
                actor=actor,
                action=(
                    "catalog.product.selling_resumed"
                    if is_active
                    else "catalog.product.selling_stopped"
                ),
                obj=locked,
            )
            # The shops with an open group buy of it are told (deals), once:
            # only the request that changed it gets here.
            plugins.product_selling_changed(locked, is_active=is_active)
    product.is_active = locked.is_active
    return product
