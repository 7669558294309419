"""The operator's catalogue over the API: every product, on sale or stopped,
and one product with its open group buys and the shops that sell it, to
correct its details, stop selling it or sell it again (operators only; as on
their pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from groupbuy.catalog.api.schemas import ProductOut, patch_changes, product_out
from groupbuy.catalog.selectors import (
    SellingState,
    category_get,
    merchants_listing_product,
    product_get_for_operator,
    product_thumbnail_urls,
    products_for_operator,
    selling_state,
)
from groupbuy.catalog.services import (
    product_correct,
    product_selling_resume,
    product_selling_stop,
)
from groupbuy.core.api_types import answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, PageOut, page_payload
from groupbuy.deals.selectors import deals_open_for_product

router = Router()  # tagged "operator" where the package mounts it

# The open group buys one product's answer lists; open_deals_total counts all.
OPEN_DEALS_SHOWN = 10


class OperatorProductsIn(PageIn):
    q: str = Field(
        "",
        description="Words of a name (Chinese, English, pinyin), an alias, a "
        "brand or a GTIN.",
    )
    state: Literal["", "active", "stopped"] = Field(
        "", description='`active`: on sale; `stopped`: no longer sold; "": both.'
    )


class OperatorProductRow(Schema):
    id: str
    name: str
    name_zh: str
    name_en: str
    gtin: str
    brand: str
    spec: str
    thumbnail_url: AbsoluteUrl | None
    # "stopped": no longer sold (POST .../sell-again sells it again)
    state: str = answer_choices(SellingState)


class OperatorProductPageOut(PageOut):
    items: list[OperatorProductRow]


class OperatorProductDealRow(Schema):
    """An open group buy of the product: GET /api/operator/deals/{id} in full."""

    id: str
    title: str
    merchant_id: str
    merchant_name: str
    buyers: int
    deadline_at: datetime


class OperatorProductShopRow(Schema):
    """A shop that sells the product (an active listing of it)."""

    merchant_id: str
    merchant_name: str
    # false: the shop is switched off
    is_active: bool


class OperatorProductOut(Schema):
    # the product as the catalogue gives it (is_active false once stopped)
    product: ProductOut
    state: str = answer_choices(SellingState)
    # its open group buys at every shop, soonest deadline first (at most 10),
    # and how many there are: while it is stopped they take no new joins, and
    # close at their deadline as usual
    open_deals: list[OperatorProductDealRow]
    open_deals_total: int
    # the shops that sell it, by name: a correction changes what their
    # listings and group buys show, and their owners are told
    shops: list[OperatorProductShopRow]


def _product_answer(product, *, user) -> dict:
    deals = deals_open_for_product(product=product, page_size=OPEN_DEALS_SHOWN)
    shops = merchants_listing_product(user=user, product=product)
    return {
        "product": product_out(product),
        "state": selling_state(product),
        "shops": [
            {
                "merchant_id": merchant.public_id,
                "merchant_name": merchant.display_name,
                "is_active": merchant.is_active,
            }
            for merchant in shops
        ],
        "open_deals": [
            {
                "id": deal.public_id,
                "title": deal.title,
                "merchant_id": deal.merchant.public_id,
                "merchant_name": deal.merchant.display_name,
                "buyers": deal.buyers,
                "deadline_at": deal.deadline_at,
            }
            for deal in deals.items
        ],
        "open_deals_total": deals.total,
    }


@router.get("/products", response=OperatorProductPageOut)
def products(request, params: Query[OperatorProductsIn]):
    """Return every product matching ``q`` (names, aliases, brand, GTIN), on
    sale, stopped or both (``state``), best match first, paged (operators
    only)."""
    result = products_for_operator(
        user=request.auth,
        query=params.q,
        state=params.state,
        page=params.page,
        page_size=params.page_size,
    )
    thumbnails = product_thumbnail_urls(
        product_ids={product.pk for product in result.items}
    )
    return page_payload(
        result,
        [
            {
                "id": product.public_id,
                "name": product.name,
                "name_zh": product.name_zh,
                "name_en": product.name_en,
                "gtin": product.gtin,
                "brand": product.brand,
                "spec": product.spec,
                "thumbnail_url": thumbnails.get(product.pk),
                "state": selling_state(product),
            }
            for product in result.items
        ],
    )


@router.get("/products/{product_id}", response=OperatorProductOut)
def product_detail(request, product_id: str):
    """Return a product, on sale or stopped, with its open group buys
    (operators only)."""
    product = product_get_for_operator(user=request.auth, product_id=product_id)
    return _product_answer(product, user=request.auth)


@router.post("/products/{product_id}/stop-selling", response=OperatorProductOut)
def product_stop_selling(request, product_id: str):
    """Stop selling a product (audited): Snap and the product search stop
    finding it, no shop may list it or open a group buy of it, and its open
    group buys take no new joins (their orders stay; they close at their
    deadline as usual). Sent again: 200, nothing changes."""
    product = product_get_for_operator(user=request.auth, product_id=product_id)
    product = product_selling_stop(actor=request.auth, product=product)
    return _product_answer(product, user=request.auth)


@router.post("/products/{product_id}/sell-again", response=OperatorProductOut)
def product_sell_again(request, product_id: str):
    """Sell a stopped product again (audited): found, listed and joined as
    before. Sent again: 200, nothing changes."""
    product = product_get_for_operator(user=request.auth, product_id=product_id)
    product = product_selling_resume(actor=request.auth, product=product)
    return _product_answer(product, user=request.auth)


class OperatorProductCorrectionIn(Schema):
    # Why, for the audit log (required, at most 500 characters).
    reason: str = Field(max_length=500)
    # The fields to correct; one left out keeps its value, ``null`` clears it
    # (the Chinese name cannot be cleared).
    name_zh: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    brand: str | None = Field(None, max_length=120)
    # Size or variant, the unit it is sold in ("500 ml × 12").
    spec: str | None = Field(None, max_length=120)
    gtin: str | None = Field(
        None,
        max_length=32,
        description="EAN-8, UPC-A, EAN-13 or GTIN-14 with its check digit; "
        "400 ``invalid_gtin`` when it is not one, 409 ``gtin_taken`` when "
        "another product has it, each naming the field ``gtin``.",
        examples=["6901939691601"],
    )
    category_id: str | None = Field(
        None, description="The product's category (`cat_…`); null clears it."
    )
    description: str | None = Field(None, max_length=5000)
    # Where the product's data came from (an attribution); operators only.
    source: str | None = Field(None, max_length=255)


class OperatorProductCorrectedOut(OperatorProductOut):
    # the fields this correction changed ([] when nothing differed: then
    # nothing was saved, audited or told)
    changed: list[str]


_CLEARABLE = frozenset(
    {"gtin", "name_zh", "name_en", "brand", "spec", "description", "source"}
    | {"category_id"}
)


@router.patch("/products/{product_id}", response=OperatorProductCorrectedOut)
def product_correct_details(
    request, product_id: str, payload: OperatorProductCorrectionIn
):
    """Correct any product's details and category, whichever shops sell it
    (the rules of a shop's edit; audited with the reason and each changed
    field before and after; the owners of the shops that sell it are told).
    Sent again: nothing differs, nothing changes (``changed`` is [])."""
    product = product_get_for_operator(user=request.auth, product_id=product_id)
    changes = patch_changes(payload, clearable=_CLEARABLE)
    reason = changes.pop("reason")
    if "category_id" in changes:
        category_id = changes.pop("category_id")
        with id_in_request("category_id"):
            changes["category"] = (
                category_get(public_id=category_id) if category_id else None
            )
    corrected = product_correct(
        actor=request.auth, product=product, reason=reason, **changes
    )
    answer = _product_answer(corrected.product, user=request.auth)
    return {**answer, "changed": [change.field for change in corrected.changes]}
