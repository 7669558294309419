"""What importing a shop's rows would do, row by row, read in a few batched
queries whatever the number of rows.

A row names its product by barcode (GTIN) when it has one: any product of the
catalogue with that barcode. A row without a barcode names one of the shop's
own products without a barcode by its Chinese name, brand and specification
(case aside), the rule ``product_create`` uses to refuse a second copy; the
model has no shop code (SKU) to match by. A product found is updated, one not
found is created for the shop, and the row's price lists it at the shop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from groupbuy.catalog.catalogue.cells import RowCells, read_cells
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Category, Listing, Merchant, Product
from groupbuy.core import plugins

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTIONS = (CREATE, UPDATE, UNCHANGED, REFUSED)
PRODUCT_FIELDS = ("name_zh", "name_en", "brand", "spec", "description", "category")


@dataclass
class PlannedRow:
    line: int
    action: str
    name: str
    gtin: str = ""
    # Why it is refused, or what changes (sentences for the owner).
    notes: list[str] = field(default_factory=list)
    product_id: int | None = None
    # Product fields to write (category as its pk), for a new or changed product.
    product_fields: dict = field(default_factory=dict)
    listing_id: int | None = None
    # {"price_fen": …, "is_active": …} to write, when the listing changes.
    listing_fields: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Shop:
    """What the rows are checked against, read once."""

    merchant: Merchant
    by_gtin14: dict[str, Product]
    by_name_key: dict[tuple, Product]
    listings: dict[int, Listing]
    shared_product_ids: set[int]
    categories: dict[str, list[Category]]


def plan_rows(
    *,
    merchant: Merchant,
    rows: list[dict],
    columns: list[str],
    lock: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[PlannedRow]:
    """Return what importing ``rows`` at ``merchant`` would do, in their order.
    ``lock``: take the shop's listings' rows FOR UPDATE (inside the applying
    transaction). ``progress(done)`` is called every few hundred rows."""
    read = [(row["line"], read_cells(row["cells"], columns)) for row in rows]
    shop = _read_shop(merchant, [cells for _line, cells in read], lock=lock)
    planned, seen = [], {}
    for done, (line, cells) in enumerate(read, start=1):
        planned.append(_plan_row(shop, line, cells, seen))
        if progress and done % 250 == 0:
            progress(done)
    return planned


def counts_of(planned: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(ACTIONS, 0)
    for row in planned:
        counts[row["action"]] += 1
    return counts


def _read_shop(merchant: Merchant, rows: list[RowCells], *, lock: bool) -> _Shop:
    codes = {gtin14(row.gtin) for row in rows if row.gtin}
    by_gtin14 = {
        product.gtin14: product
        for product in Product.objects.filter(gtin14__in=codes).select_related(
            "category"
        )
    }
    by_name_key = {}
    own = Product.objects.filter(
        added_by_merchant=merchant, gtin="", is_active=True
    ).select_related("category")
    for product in own.order_by("pk"):
        key = (product.name_zh.lower(), product.brand.lower(), product.spec.lower())
        by_name_key.setdefault(key, product)
    product_ids = [p.pk for p in by_gtin14.values()] + [
        p.pk for p in by_name_key.values()
    ]
    listings = Listing.objects.filter(merchant=merchant, product_id__in=product_ids)
    if lock:
        listings = listings.select_for_update().order_by("pk")
    shared = set(
        Listing.objects.filter(product_id__in=product_ids, is_active=True)
        .exclude(merchant=merchant)
        .values_list("product_id", flat=True)
    )
    categories: dict[str, list[Category]] = {}
    for category in Category.objects.all():
        names = {category.slug, category.name_zh, category.name_en}
        for text in {name.lower() for name in names if name}:
            categories.setdefault(text, []).append(category)
    return _Shop(
        merchant=merchant,
        by_gtin14=by_gtin14,
        by_name_key=by_name_key,
        listings={listing.product_id: listing for listing in listings},
        shared_product_ids=shared,
        categories=categories,
    )


def _plan_row(shop: _Shop, line: int, cells: RowCells, seen: dict) -> PlannedRow:
    name = cells.details.get("name_zh", "")
    planned = PlannedRow(line=line, action=REFUSED, name=name, gtin=cells.gtin)
    problems = list(cells.problems)
    category = _category(shop, cells.category_text, problems)
    key = ("gtin", gtin14(cells.gtin)) if cells.gtin else ("name", cells.name_key)
    if not problems and key in seen:
        problems.append(
            _("Line %(line)d of the file is already this product.")
            % {"line": seen[key]}
        )
    if problems:
        planned.notes = problems
        return planned
    seen[key] = line
    product = (
        shop.by_gtin14.get(gtin14(cells.gtin))
        if cells.gtin
        else shop.by_name_key.get(cells.name_key)
    )
    wanted = dict(cells.details)
    if cells.category_text is not None:
        wanted["category"] = category.pk if category else None
    if product is None:
        return _planned_new(planned, cells, wanted)
    return _planned_existing(shop, planned, product, cells, wanted)


def _category(shop: _Shop, text: str | None, problems: list[str]) -> Category | None:
    if not text:
        return None
    found = shop.categories.get(text.lower(), [])
    if len(found) == 1:
        return found[0]
    if found:
        problems.append(
            _("Several categories are called “%(category)s”: use its code (%(codes)s).")
            % {"category": text, "codes": ", ".join(c.slug for c in found)}
        )
    else:
        problems.append(
            _(
                "There is no category “%(category)s”: use the Chinese or "
                "English name of a category of the catalogue, or its code, or "
                "leave it empty."
            )
            % {"category": text}
        )
    return None


def _planned_new(planned: PlannedRow, cells: RowCells, wanted: dict) -> PlannedRow:
    planned.action = CREATE
    planned.product_fields = {"gtin": cells.gtin, **wanted}
    if cells.price_fen is not None and cells.on_sale is not False:
        planned.listing_fields = {"price_fen": cells.price_fen, "is_active": True}
        planned.notes.append(
            _("New product, on sale at %(price)s.") % {"price": _yuan(cells.price_fen)}
        )
    else:
        planned.notes.append(_("New product, not on sale yet."))
    return planned


def _planned_existing(
    shop: _Shop, planned: PlannedRow, product: Product, cells: RowCells, wanted: dict
) -> PlannedRow:
    planned.product_id = product.pk
    planned.name = planned.name or product.name_zh
    if not product.is_active:
        planned.notes.append(
            _("“%(product)s” is no longer sold.") % {"product": product.name}
        )
        return planned
    product_changes = _product_changes(product, wanted)
    if product_changes and not _is_the_shops_own(shop, product):
        # The shop lists a product of the shared catalogue: its name and details
        # are everyone's (only operators change them); the price is the shop's.
        planned.notes.append(
            _(
                "Only the price is taken: the product's details belong to the "
                "shared catalogue."
            )
        )
        product_changes = {}
    planned.product_fields = product_changes
    for name in product_changes:
        planned.notes.append(_changed_note(name))
    listing = shop.listings.get(product.pk)
    refusal = _listing_changes(planned, listing, cells)
    if refusal:
        planned.notes = refusal
        planned.product_fields, planned.listing_fields = {}, {}
        return planned
    changed = planned.product_fields or planned.listing_fields
    planned.action = UPDATE if changed else UNCHANGED
    return planned


def _is_the_shops_own(shop: _Shop, product: Product) -> bool:
    return (
        product.added_by_merchant_id == shop.merchant.pk
        and product.pk not in shop.shared_product_ids
    )


def _product_changes(product: Product, wanted: dict) -> dict:
    changes = {}
    for name, value in wanted.items():
        current = product.category_id if name == "category" else getattr(product, name)
        if current != value:
            changes[name] = value
    return changes


def _listing_changes(
    planned: PlannedRow, listing: Listing | None, cells: RowCells
) -> list[str]:
    """Set the listing's changes on ``planned``; return why they are refused."""
    if cells.price_fen is None:
        return []  # no price: the listing stays as it is
    is_active = cells.on_sale is not False
    if listing is None:
        if is_active:
            planned.listing_fields = {"price_fen": cells.price_fen, "is_active": True}
            planned.notes.append(
                _("Put on sale at %(price)s.") % {"price": _yuan(cells.price_fen)}
            )
        return []
    planned.listing_id = listing.pk
    switched_on = is_active and not listing.is_active
    if switched_on or cells.price_fen < listing.price_fen:
        blockers = plugins.listing_price_blockers(listing, price_fen=cells.price_fen)
        if blockers:
            return blockers
    if listing.is_active and not is_active:
        blockers = plugins.listing_withdrawal_blockers(listing)
        if blockers:
            return blockers
    changes = {}
    if cells.price_fen != listing.price_fen:
        changes["price_fen"] = cells.price_fen
        planned.notes.append(
            _("Price %(old)s → %(new)s.")
            % {"old": _yuan(listing.price_fen), "new": _yuan(cells.price_fen)}
        )
    if is_active != listing.is_active:
        changes["is_active"] = is_active
        planned.notes.append(_("Put on sale.") if is_active else _("Taken off sale."))
    planned.listing_fields = changes
    return []


def _changed_note(name: str) -> str:
    labels = {
        "name_zh": _("Chinese name"),
        "name_en": _("English name"),
        "brand": _("brand"),
        "spec": _("specification"),
        "description": _("description"),
        "category": _("category"),
    }
    return _("New %(field)s.") % {"field": labels[name]}


def _yuan(fen: int) -> str:
    from groupbuy.catalog.services.listings import format_yuan

    return format_yuan(fen)
