"""The shapes of a pool request: asking to pool a cart, and showing one."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt, JsonNumber, answer_choices
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageOut
from groupbuy.pooling.models import PoolRequest
from groupbuy.pooling.schemas.baskets import AmountFen, LineIn, LineOut


class RequestIn(Schema):
    promotion_id: str = Field(description="The promotion (`promo_…`) to pool for.")
    branch_id: str = Field(description="The branch (`br_…`) to shop at.")
    # spend-and-save promotions pool an amount; buy-n-pay-m and second-item
    # ones pool items (only those the promotion counts are kept)
    amount_fen: AmountFen | None = None
    items: list[LineIn] = Field([], max_length=200)
    deadline_at: Moment
    window_start_at: Moment | None = None
    window_end_at: Moment | None = None
    max_group_size: JsonInt | None = Field(None, ge=2, le=6)
    # Where I am (optional): a shop farther than my max_walk_m is refused.
    latitude: JsonNumber | None = Field(None, ge=-90, le=90)
    longitude: JsonNumber | None = Field(None, ge=-180, le=180)


class RequestOut(Schema):
    id: str
    promotion_id: str
    branch_id: str
    amount_fen: int
    items: list[LineOut]
    max_group_size: int
    deadline_at: datetime
    state: str = answer_choices(PoolRequest.State)


def request_out(request: PoolRequest) -> dict:
    return {
        "id": request.public_id,
        "promotion_id": request.promotion.public_id,
        "branch_id": request.branch.public_id,
        "amount_fen": request.amount_fen,
        "items": request.items,
        "max_group_size": request.max_group_size,
        "deadline_at": request.deadline_at,
        "state": request.state,
    }


class RequestDetailOut(RequestOut):
    # The pool it is suggested for (to answer) or pooled in; none while open.
    pool_id: str | None


def request_detail_out(request: PoolRequest) -> dict:
    """``request_out`` with its pool (``selectors.request_get_with_pool_for_user``)."""
    return {**request_out(request), "pool_id": request.pool_public_id}


class RequestPage(PageOut):
    items: list[RequestOut]
