"""The shapes of promotions, what a basket saves, and a merchant's figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.savings import MAX_TIERS
from groupbuy.pooling.schemas.baskets import AmountFen, LineIn

# A tier is [spend, save] in fen. A list of two, not a tuple: a tuple's
# prefixItems schema is read as an OpenAPI 3.0 tuple ("items": [...]) by some
# tools, schemathesis among them, which then refuse the document.
Tier = Annotated[list[int], Field(min_length=2, max_length=2)]
# What a merchant sends: both figures above nothing and at most MAX_FEN (the
# service then checks that each tier saves less than it asks, and rises).
TierIn = Annotated[list[AmountFen], Field(min_length=2, max_length=2)]


# The kinds of promotion (Promotion.Kind), listed in the OpenAPI document and in
# the 422 a client gets for another word.
PromotionKind = Literal["threshold", "n_for_m", "second_item"]
KIND_DESCRIBED = (
    "threshold: spend and save (满减), by `tiers`; n_for_m: buy `buy_n`, pay "
    "`pay_m`; second_item: every second unit costs `second_item_percent` %."
)


class PromotionIn(Schema):
    merchant_id: str = Field(description="The shop running the promotion (`mer_…`).")
    branch_id: str | None = Field(
        None, description="One branch (`br_…`) it runs at; none: every branch."
    )
    title: str = Field(min_length=1, max_length=120)
    kind: PromotionKind = Field(description=KIND_DESCRIBED)
    tiers: list[TierIn] = Field([], max_length=MAX_TIERS)
    buy_n: JsonInt = Field(0, ge=0, le=100)
    pay_m: JsonInt = Field(0, ge=0, le=100)
    second_item_percent: JsonInt = Field(100, ge=0, le=100)
    product_ids: list[str] = Field(
        default_factory=list,
        description="The products (`prd_…`) it counts, each one the shop sells.",
    )
    starts_at: Moment
    # After starts_at and after now: a promotion already over is refused (422).
    ends_at: Moment
    # Made by the client for each promotion it publishes: sent again (a retry),
    # the promotion published the first time is answered and no other stored.
    client_key: str = Field("", max_length=64)


class PromotionOut(Schema):
    id: str
    title: str
    kind: PromotionKind = Field(description=KIND_DESCRIBED)
    merchant_id: str
    branch_id: str | None
    tiers: list[Tier]
    buy_n: int
    pay_m: int
    second_item_percent: int
    starts_at: datetime
    ends_at: datetime


def promotion_out(promotion: Promotion) -> dict:
    return {
        "id": promotion.public_id,
        "title": promotion.title,
        "kind": promotion.kind,
        "merchant_id": promotion.merchant.public_id,
        "branch_id": promotion.branch.public_id if promotion.branch else None,
        "tiers": [tuple(tier) for tier in promotion.tiers],
        "buy_n": promotion.buy_n,
        "pay_m": promotion.pay_m,
        "second_item_percent": promotion.second_item_percent,
        "starts_at": promotion.starts_at,
        "ends_at": promotion.ends_at,
    }


class SavingIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=200)


class SavingOut(Schema):
    eligible_fen: int
    saving_fen: int


class PromotionPage(PageOut):
    items: list[PromotionOut]


class FiguresIn(PageIn):
    days: int = Field(
        30, ge=1, le=366, description="The figures of this many days, up to today."
    )


class PromotionFiguresOut(Schema):
    promotion_id: str
    title: str
    kind: str = answer_choices(Promotion.Kind)
    requests: int
    pools: int
    confirmed: int
    # the savings of confirmed pools whose promotion still ran when their
    # members could first shop together (a pool it ended before saved nothing)
    saving_fen: int


class DayFiguresOut(Schema):
    date: date
    requests: int
    confirmed: int
    saving_fen: int


class PromotionFiguresPageOut(PageOut):
    items: list[PromotionFiguresOut]


class FiguresOut(Schema):
    promotions: PromotionFiguresPageOut
    days: list[DayFiguresOut]
