"""Writing a planned import: products and listings in bulk, each audited.

The caller holds the transaction and has planned the rows inside it
(``planning.plan_rows(lock=True)``), so what is written is what the rows say
against the catalogue as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError

from groupbuy.catalog.catalogue.planning import CREATE, UPDATE, PlannedRow
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Listing, Merchant, Product
from groupbuy.catalog.pinyin import name_keys
from groupbuy.core.audit import audit_log_many


@dataclass
class Applied:
    products_created: int = 0
    products_updated: int = 0
    listings_created: int = 0
    listings_updated: int = 0
    categories_changed: bool = False


def apply_rows(
    *, actor, merchant: Merchant, planned: list[PlannedRow], import_id: str
) -> Applied:
    applied = Applied()
    audit: list[tuple] = []
    created = _create_products(merchant, planned, audit, import_id)
    applied.products_created = len(created)
    updated = _update_products(planned, audit, import_id)
    applied.products_updated = len(updated)
    applied.categories_changed = any(
        "category" in row.product_fields for row in planned if row.action == UPDATE
    )
    new_listings, changed_listings = _write_listings(
        merchant, planned, created, audit, import_id
    )
    applied.listings_created = len(new_listings)
    applied.listings_updated = len(changed_listings)
    audit_log_many(actor=actor, entries=audit)
    return applied


def _new_product(merchant: Merchant, fields: dict) -> Product:
    fields = dict(fields)
    category_id = fields.pop("category", None)
    product = Product(added_by_merchant=merchant, category_id=category_id, **fields)
    # What Product.save() derives, as bulk_create does not call it.
    product.gtin14 = gtin14(product.gtin) if product.gtin else ""
    product.search_pinyin, product.search_initials = name_keys(
        product.name_zh, product.brand
    )
    return product


def _create_products(merchant, planned, audit, import_id) -> dict[int, Product]:
    """Create the new products; return them by the line that made them."""
    rows = [row for row in planned if row.action == CREATE]
    products = [_new_product(merchant, row.product_fields) for row in rows]
    try:
        Product.objects.bulk_create(products)
    except IntegrityError:
        raise CatalogError(
            "catalogue_changed",
            _changed_meanwhile(),
            status=409,
        ) from None
    for product in products:
        audit.append(
            (
                "catalog.product.created",
                product,
                {"gtin": product.gtin, "import": import_id},
            )
        )
    return {row.line: product for row, product in zip(rows, products, strict=True)}


def _update_products(planned, audit, import_id) -> list[Product]:
    rows = [row for row in planned if row.action == UPDATE and row.product_fields]
    if not rows:
        return []
    products = Product.objects.in_bulk([row.product_id for row in rows])
    changed_fields: set[str] = set()
    for row in rows:
        product = products[row.product_id]
        for name, value in row.product_fields.items():
            setattr(product, "category_id" if name == "category" else name, value)
            changed_fields.add(name)
        if {"name_zh", "brand"} & row.product_fields.keys():
            product.search_pinyin, product.search_initials = name_keys(
                product.name_zh, product.brand
            )
            changed_fields |= {"search_pinyin", "search_initials"}
        audit.append(
            (
                "catalog.product.updated",
                product,
                {"changed": sorted(row.product_fields), "import": import_id},
            )
        )
    Product.objects.bulk_update(list(products.values()), sorted(changed_fields))
    return list(products.values())


def _write_listings(merchant, planned, created, audit, import_id):
    new, changed = [], []
    existing_ids = [
        row.listing_id for row in planned if row.listing_id and row.listing_fields
    ]
    existing = Listing.objects.in_bulk(existing_ids)
    for row in planned:
        if row.action not in (CREATE, UPDATE) or not row.listing_fields:
            continue
        if row.listing_id:
            listing = existing[row.listing_id]
            data = {"import": import_id}
            for name, value in row.listing_fields.items():
                data[name] = {"from": getattr(listing, name), "to": value}
                setattr(listing, name, value)
            changed.append(listing)
            audit.append(("catalog.listing.updated", listing, data))
            continue
        product_id = row.product_id or created[row.line].pk
        listing = Listing(
            merchant=merchant, product_id=product_id, **row.listing_fields
        )
        new.append(listing)
    try:
        Listing.objects.bulk_create(new)
    except IntegrityError:
        raise CatalogError(
            "catalogue_changed", _changed_meanwhile(), status=409
        ) from None
    for listing in new:
        audit.append(
            (
                "catalog.listing.created",
                listing,
                {"price_fen": listing.price_fen, "import": import_id},
            )
        )
    if changed:
        Listing.objects.bulk_update(changed, ["price_fen", "is_active"])
    return new, changed


def _changed_meanwhile() -> str:
    from django.utils.translation import gettext as _

    return _(
        "Your products changed while the file was being imported: nothing was "
        "imported. Upload the file again to see what it would do now."
    )
