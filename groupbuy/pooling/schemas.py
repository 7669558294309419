"""The pooling API's shapes, and turning models into them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonBool, JsonInt, JsonNumber, answer_choices
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.pooling.models import (
    CartReport,
    ContactRequest,
    Pool,
    PoolMember,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.savings import MAX_FEN, MAX_TIERS

# An amount a shopper pools: more than nothing, at most one cart's worth.
AmountFen = Annotated[JsonInt, Field(ge=1, le=MAX_FEN)]

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

# What a cart report is (CartReport.Kind), listed in the OpenAPI document and in
# the 422 a client gets for another word (until 2026-12-06 any string was taken
# and refused by the service under ``kind``, the document saying nothing).
CartKind = Literal["purchase", "intended"]
CART_KIND_DESCRIBED = (
    "purchase: a purchase made (its time window has begun); intended: a cart "
    "you mean to buy (its time window is not over)."
)


class PromotionIn(Schema):
    merchant_id: str
    branch_id: str | None = None
    title: str = Field(min_length=1, max_length=120)
    kind: PromotionKind = Field(description=KIND_DESCRIBED)
    tiers: list[TierIn] = Field([], max_length=MAX_TIERS)
    buy_n: JsonInt = Field(0, ge=0, le=100)
    pay_m: JsonInt = Field(0, ge=0, le=100)
    second_item_percent: JsonInt = Field(100, ge=0, le=100)
    product_ids: list[str] = []
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


class LineIn(Schema):
    product_id: str | None = None
    unit_price_fen: JsonInt = Field(ge=0, le=MAX_FEN)
    quantity: JsonInt = Field(1, ge=1, le=1000)


class LineOut(Schema):
    product_id: str | None
    unit_price_fen: int
    quantity: int


class SavingIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=200)


class SavingOut(Schema):
    eligible_fen: int
    saving_fen: int


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
    branch_id: str
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


class RequestIn(Schema):
    promotion_id: str
    branch_id: str
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


class MemberOut(Schema):
    label: str
    is_me: bool
    amount_fen: int
    # null once the pool is dissolved (nobody saves anything with it), and for
    # a member who left it (answer "left")
    share_fen: int | None
    # pending, accepted, declined, timed_out, or left (left the confirmed pool)
    answer: str
    # in full once every member agreed to show theirs (phones_shown), one's own
    # always; null for the others until then: no part of it is shown
    phone: str | None


class PoolOut(Schema):
    id: str
    state: str = answer_choices(Pool.State)
    promotion_id: str
    # threshold (the tier reached is threshold_fen), n_for_m or second_item
    # (threshold_fen is 0: the till prices the members' items as one basket)
    promotion_kind: str = answer_choices(Promotion.Kind)
    branch_id: str
    amount_fen: int
    threshold_fen: int
    # both null once the pool is dissolved (state "dissolved"): nobody saves
    # anything with it, as its page says
    saving_fen: int | None
    answer_by: datetime
    # null while the promotion runs; once it is over (ended early by the shop,
    # or by itself), when it ended: the till gives its saving only to baskets
    # paid before then, a confirmed pool's included
    promotion_ended_at: datetime | None
    my_share_fen: int | None
    my_answer: str
    # my request in this pool, and where it is now: once the pool is dissolved
    # "open" (looking for another pool), "suggested" (for another pool),
    # "expired" (its deadline passed) or "withdrawn" (I declined or left)
    my_request_id: str
    my_request_state: str = answer_choices(PoolRequest.State)
    phones_shown: bool
    members: list[MemberOut]


def pool_out(view: dict) -> dict:
    pool: Pool = view["pool"]
    saves = pool.state != Pool.State.DISSOLVED
    return {
        "id": pool.public_id,
        "state": pool.state,
        "promotion_id": pool.promotion.public_id,
        "promotion_kind": pool.promotion.kind,
        "branch_id": pool.branch.public_id,
        "amount_fen": pool.amount_fen,
        "threshold_fen": pool.threshold_fen,
        "saving_fen": pool.saving_fen if saves else None,
        "answer_by": pool.answer_by,
        "promotion_ended_at": view["promotion_ended_at"],
        "my_share_fen": view["me"].share_fen if saves and not view["me_left"] else None,
        "my_answer": view["me"].answer,
        "my_request_id": view["my_request"].public_id,
        "my_request_state": view["my_request"].state,
        "phones_shown": view["phones_shown"],
        "members": [
            member
            if saves and member["answer"] != PoolMember.Answer.LEFT
            else {**member, "share_fen": None}
            for member in view["members"]
        ],
    }


class AnswerIn(Schema):
    accept: JsonBool


class ConsentIn(Schema):
    agree: JsonBool


class MessageIn(Schema):
    body: str = Field(max_length=2000)
    # A key the client makes for each message: the same key sent again (a
    # double click, a retry) returns the message stored the first time.
    client_key: str = Field("", max_length=64)


class MessageOut(Schema):
    id: str
    author: str
    body: str
    # hidden by the platform's operators after a report: ``body`` is a notice
    is_removed: bool = False
    created_at: datetime


class MessagesIn(Schema):
    before: str | None = Field(
        None, max_length=40, description="a message's id: the messages before it"
    )
    limit: int = Field(50, ge=1, le=200)


class BuyersIn(PageIn):
    product_id: str = Field(min_length=1, max_length=40)
    before: Moment


class BuyerOut(Schema):
    cart_id: str
    # "Shopper 3": the place in the list, as a pool names its members by seat
    label: str
    branch: str
    window_start_at: datetime
    # always null: no part of the number (it was masked, "+86138****0001",
    # until 2026-12-06); a contact request they accept shows it
    phone: str | None


class ContactIn(Schema):
    cart_id: str = Field(min_length=1, max_length=40)
    product_id: str = Field(min_length=1, max_length=40)


class ContactOut(Schema):
    id: str
    product: str
    state: str = answer_choices(ContactRequest.State)
    # the state as the reader lives it, in their language: "Waiting for your
    # answer" to the one asked, "Waiting for their answer" to the one who
    # asked, then "Accepted", "Declined" or "Ended" (state "ended": a side
    # ended the conversation), as the page reads
    state_label: str
    is_mine_to_answer: bool
    # the other side: their number once accepted, until then "The shopper you
    # asked" or "The shopper who asked you"
    label: str
    # in full once accepted, null until then: no part of it is shown
    phone: str | None
    chat_open: bool
    # an ended conversation: whether I may open it again (I ended it)
    may_reopen: bool


class PromotionPage(PageOut):
    items: list[PromotionOut]


class PoolPage(PageOut):
    items: list[PoolOut]


class RequestPage(PageOut):
    items: list[RequestOut]


class ContactPage(PageOut):
    items: list[ContactOut]


class CartPage(PageOut):
    items: list[CartOut]


class FiguresIn(PageIn):
    days: int = Field(30, ge=1, le=366)


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


class BuyerPage(PageOut):
    items: list[BuyerOut]
