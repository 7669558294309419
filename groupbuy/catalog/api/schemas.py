"""Shapes of the catalog API and the functions that fill them.

Ids are public ids; money is integer fen; a patch body changes only the fields
it names (``null`` clears a field that may be empty).
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from groupbuy.catalog.models import Branch, Listing, Merchant, Product, ProductImage
from groupbuy.catalog.selectors import CategoryNode, category_demand_threshold
from groupbuy.core.api_types import JsonBool, JsonInt, JsonNumber
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import PageOut, PageResult, page_payload

# --- Out ------------------------------------------------------------------------


class CategoryRef(Schema):
    id: str
    slug: str
    name: str


class ImageOut(Schema):
    id: str
    url: AbsoluteUrl
    is_reference: bool
    is_primary: bool


class ProductOut(Schema):
    id: str
    gtin: str
    name: str
    name_zh: str
    name_en: str
    brand: str
    spec: str
    description: str
    category: CategoryRef | None
    aliases: list[str]
    images: list[ImageOut]
    thumbnail_url: AbsoluteUrl | None
    source: str = Field(
        description="Where the product's data came from, as its editor wrote "
        'it (an attribution: "Open Food Facts contributors (ODbL)"); "" when '
        "not given. Words, not a code."
    )
    added_by_merchant_id: str | None
    is_active: bool


class ProductPage(PageOut):
    items: list[ProductOut]


class CategoryNodeOut(Schema):
    id: str
    slug: str
    name: str
    name_zh: str
    name_en: str
    demand_threshold: int | None = Field(
        description="Own threshold; null inherits the parent's or the default."
    )
    effective_demand_threshold: int
    children: list[CategoryNodeOut]


class OpeningHoursDay(Schema):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    opens: str = Field(
        max_length=5, description='"HH:MM" on the 24-hour clock.', examples=["08:00"]
    )
    closes: str = Field(
        max_length=5,
        description=(
            '"HH:MM"; "24:00" is midnight. Earlier than `opens` is open overnight '
            "(it closes the next day); equal to it is refused."
        ),
        examples=["22:00"],
    )


class BranchOut(Schema):
    id: str
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    name: str
    name_en: str
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    opening_hours: list[OpeningHoursDay]
    # The week in the reader's language ("Mon–Fri 08:00–22:00; Sat–Sun closed").
    opening_hours_summary: str
    is_active: bool
    distance_m: float | None = None


class MerchantOut(Schema):
    id: str
    name: str
    name_en: str
    description: str
    is_active: bool
    branches: list[BranchOut]


class MerchantPage(PageOut):
    items: list[MerchantOut]


class ListingOut(Schema):
    id: str
    merchant_id: str
    product: ProductOut
    price_fen: int
    is_active: bool


class ListingPage(PageOut):
    items: list[ListingOut]


class AliasOut(Schema):
    product_id: str
    text: str
    language: str


# --- In -------------------------------------------------------------------------


class ProductIn(Schema):
    name_zh: str = Field(max_length=200)
    gtin: str = Field("", max_length=32, examples=["6901939691601"])
    name_en: str = Field("", max_length=200)
    brand: str = Field("", max_length=120)
    spec: str = Field("", max_length=120)
    description: str = Field("", max_length=5000)
    category_id: str | None = Field(
        None, description="The product's category (`cat_…`), if any."
    )
    source: str = Field("", max_length=255)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    merchant_id: str | None = Field(
        None, description="Required unless you are an operator: who adds it."
    )


class ProductPatch(Schema):
    name_zh: str | None = Field(None, max_length=200)
    gtin: str | None = Field(None, max_length=32)
    name_en: str | None = Field(None, max_length=200)
    brand: str | None = Field(None, max_length=120)
    spec: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    category_id: str | None = Field(
        None, description="The product's category (`cat_…`); null clears it."
    )
    source: str | None = Field(None, max_length=255)
    is_active: JsonBool | None = None


class AliasIn(Schema):
    text: str = Field(max_length=200)
    language: str = Field("", max_length=10)


class ImagePatch(Schema):
    is_reference: JsonBool | None = None
    is_primary: JsonBool | None = None


class ImageMoveIn(Schema):
    direction: Literal["up", "down"] = Field(
        description="One place earlier (up) or later (down) among the photos "
        "after the main one"
    )


class CategoryIn(Schema):
    slug: str = Field(max_length=50)
    name_zh: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    parent_id: str | None = Field(
        None, description="The parent category (`cat_…`); none for a top category."
    )
    demand_threshold: JsonInt | None = None


class CategoryPatch(Schema):
    name_zh: str | None = Field(None, max_length=80)
    name_en: str | None = Field(None, max_length=80)
    parent_id: str | None = Field(
        None, description="The parent category (`cat_…`); null for a top category."
    )
    demand_threshold: JsonInt | None = None


class MerchantPatch(Schema):
    name: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    # Accepted unchanged only (a client sending the whole shop back): a shop is
    # switched off or on by ops' switch, which tells its owners (else 400).
    is_active: JsonBool | None = None
    # Operators: rename it to a name another active merchant has (else 409
    # merchant_exists).
    allow_same_name: JsonBool | None = None


HOURS_DESCRIBED = (
    "One entry per day the branch opens (each day at most once); the days not "
    "listed are closed. Empty: no hours given."
)


class BranchIn(Schema):
    name: str = Field(max_length=120)
    name_en: str = Field("", max_length=120)
    address: str = Field(max_length=255)
    latitude: JsonNumber | None = None
    longitude: JsonNumber | None = None
    phone: str = Field("", max_length=32)
    opening_hours: list[OpeningHoursDay] = Field(
        [], max_length=7, description=HOURS_DESCRIBED
    )


class BranchPatch(Schema):
    name: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=255)
    latitude: JsonNumber | None = None
    longitude: JsonNumber | None = None
    phone: str | None = Field(None, max_length=32)
    opening_hours: list[OpeningHoursDay] | None = Field(
        None, max_length=7, description=HOURS_DESCRIBED
    )
    is_active: JsonBool | None = None


class ListingIn(Schema):
    product_id: str = Field(description="The product (`prd_…`) to list.")
    price_fen: JsonInt = Field(description="Everyday price in fen (分), more than 0.")


class ListingPatch(Schema):
    price_fen: JsonInt | None = None
    is_active: JsonBool | None = None


# --- Filling --------------------------------------------------------------------


def image_out(image: ProductImage) -> dict:
    return {
        "id": image.public_id,
        "url": image.image.url,
        "is_reference": image.is_reference,
        "is_primary": image.is_primary,
    }


def product_out(product: Product) -> dict:
    images = [image_out(image) for image in product.images.all()]
    primary = next(
        (i for i in images if i["is_primary"]), images[0] if images else None
    )
    category = product.category
    return {
        "id": product.public_id,
        "gtin": product.gtin,
        "name": product.name,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "brand": product.brand,
        "spec": product.spec,
        "description": product.description,
        "category": (
            {"id": category.public_id, "slug": category.slug, "name": category.name}
            if category
            else None
        ),
        "aliases": [alias.text for alias in product.aliases.all()],
        "images": images,
        "thumbnail_url": primary["url"] if primary else None,
        "source": product.source,
        "added_by_merchant_id": (
            product.added_by_merchant.public_id
            if product.added_by_merchant_id
            else None
        ),
        "is_active": product.is_active,
    }


def category_node_out(node: CategoryNode, inherited: int | None = None) -> dict:
    category = node.category
    if category.demand_threshold is not None:
        effective = category.demand_threshold
    elif inherited is not None:
        effective = inherited
    else:
        effective = category_demand_threshold(category=category)
    return {
        "id": category.public_id,
        "slug": category.slug,
        "name": category.name,
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "demand_threshold": category.demand_threshold,
        "effective_demand_threshold": effective,
        "children": [category_node_out(child, effective) for child in node.children],
    }


def branch_out(branch: Branch, distance_m: float | None = None) -> dict:
    return {
        "id": branch.public_id,
        "merchant_id": branch.merchant.public_id,
        "merchant_name": branch.merchant.display_name,
        "name": branch.name,
        "name_en": branch.name_en,
        "address": branch.address,
        "latitude": float(branch.latitude) if branch.latitude is not None else None,
        "longitude": float(branch.longitude) if branch.longitude is not None else None,
        "phone": branch.phone,
        "opening_hours": branch.opening_hours,
        "opening_hours_summary": branch.hours_summary,
        "is_active": branch.is_active,
        "distance_m": round(distance_m, 1) if distance_m is not None else None,
    }


def merchant_out(merchant: Merchant) -> dict:
    return {
        "id": merchant.public_id,
        "name": merchant.name,
        "name_en": merchant.name_en,
        "description": merchant.description,
        "is_active": merchant.is_active,
        "branches": [
            branch_out(branch) for branch in merchant.branches.all() if branch.is_active
        ],
    }


def listing_out(listing: Listing) -> dict:
    return {
        "id": listing.public_id,
        "merchant_id": listing.merchant.public_id,
        "product": product_out(listing.product),
        "price_fen": listing.price_fen,
        "is_active": listing.is_active,
    }


def page_out(result: PageResult, fill) -> dict:
    """Return the API's list shape with each item filled in by ``fill``."""
    return page_payload(result, [fill(item) for item in result.items])


def patch_changes(payload: Schema, *, clearable: frozenset[str]) -> dict:
    """Return the fields a patch body names; ``null`` counts only where a field
    can be cleared (elsewhere it means "leave as is")."""
    return {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in clearable
    }
