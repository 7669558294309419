"""What a basket holds: an amount pooled, and lines of products."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt
from groupbuy.pooling.savings import MAX_FEN

# An amount a shopper pools: more than nothing, at most one cart's worth.
AmountFen = Annotated[JsonInt, Field(ge=1, le=MAX_FEN)]


class LineIn(Schema):
    product_id: str | None = Field(
        None, description="The product (`prd_…`), if it is in the catalogue."
    )
    unit_price_fen: JsonInt = Field(ge=0, le=MAX_FEN)
    quantity: JsonInt = Field(1, ge=1, le=1000)


class LineOut(Schema):
    product_id: str | None
    unit_price_fen: int
    quantity: int
