"""The shapes of a shopper's pooling profile and of the carts they report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonBool, JsonInt
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageOut
from groupbuy.pooling.models import CartReport
from groupbuy.pooling.schemas.baskets import AmountFen, LineIn, LineOut

# What a cart report is (CartReport.Kind), listed in the OpenAPI document and in
# the 422 a client gets for another word (until 2026-12-06 any string was taken
# and refused by the service under ``kind``, the document saying nothing).
CartKind = Literal["purchase", "intended"]
CART_KIND_DESCRIBED = (
    "purchase: a purchase made (its time window has begun); intended: a cart "
    "you mean to buy (its time window is not over)."
)


class PoolingProfileIn(Schema):
    max_group_size: JsonInt = Field(ge=2, le=6)
    max_walk_m: JsonInt = Field(ge=0, le=50_000)
    is_discoverable: JsonBool = False
    # invited when someone asks to pool at a shop I reported carts at
    is_invitable: JsonBool = False


class ProfileOut(Schema):
    max_group_size: int
    max_walk_m: int
    is_discoverable: bool
    is_invitable: bool
    reports: int
    median_amount_fen: int
    usual_hour: int | None


class CartIn(Schema):
    branch_id: str = Field(description="The branch (`br_…`) where the cart is bought.")
    kind: CartKind = Field("intended", description=CART_KIND_DESCRIBED)
    amount_fen: AmountFen | None = None
    items: list[LineIn] = Field([], max_length=200)
    window_start_at: Moment
    window_end_at: Moment


class CartOut(Schema):
    id: str
    branch_id: str
    kind: CartKind = Field(description=CART_KIND_DESCRIBED)
    amount_fen: int
    items: list[LineOut]
    window_start_at: datetime
    window_end_at: datetime


def cart_out(report: CartReport) -> dict:
    return {
        "id": report.public_id,
        "branch_id": report.branch.public_id,
        "kind": report.kind,
        "amount_fen": report.amount_fen,
        "items": report.items,
        "window_start_at": report.window_start_at,
        "window_end_at": report.window_end_at,
    }


class CartPage(PageOut):
    items: list[CartOut]
