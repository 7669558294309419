"""The deals API's shapes of a deal: its answer, and what creating, editing
and finding one take."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.deals.models import Deal
from groupbuy.deals.selectors import deal_prices

# The values a client may send, in the document (the service refuses others
# with 400 invalid, in the request's language).
SETTLEMENT_MODES = {
    "enum": list(Deal.SettlementMode.values),
    "description": "on_close: the merchant is paid when the deal succeeds; "
    "on_redemption: each coupon redeemed pays its share.",
}


class TierIO(Schema):
    min_participants: JsonInt = Field(ge=1, le=1_000_000)
    price_fen: JsonInt = Field(ge=1, le=100_000_000)


class DealMerchantOut(Schema):
    id: str
    name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    # Both names as the product gives them, for a client to choose (until
    # 2026-12-07 only ``name``).
    name_zh: str = Field(description="The shop's Chinese name, as registered.")
    name_en: str = Field(description='The shop\'s English name ("" when none).')


class DealProductOut(Schema):
    id: str
    name: str
    name_zh: str
    name_en: str
    category_id: str | None


class DealOut(Schema):
    id: str
    title: str
    state: str = answer_choices(Deal.State)
    # The state the pages give: "scheduled" for an open deal before its start,
    # whose ``state`` is "open"; "failed" for a settled deal that failed (a
    # stopped one too), whose ``state`` stays "settled".
    shown_state: str = answer_choices(Deal.State, "scheduled")
    merchant: DealMerchantOut
    product: DealProductOut
    list_price_fen: int
    current_price_fen: int
    highest_price_fen: int
    lowest_price_fen: int
    final_price_fen: int | None
    tiers: list[TierIO]
    stock: int
    units_sold: int
    participants: int
    max_quantity_per_order: int
    starts_at: datetime
    deadline_at: datetime
    # When it stops selling: the deadline, or a team buy's end of sales (its row
    # closes later, once its teams are decided).
    sales_end_at: datetime
    closed_at: datetime | None
    # Who stopped the deal ("merchant" or "platform") and why, in their words,
    # as its buyers are told; null and "" for a deal nobody stopped.
    stopped_by: Literal["merchant", "platform"] | None = None
    stop_reason: str = ""
    distance_m: float | None = None


class ProgressTierOut(Schema):
    min_participants: int
    price_fen: int


class ProgressOut(Schema):
    """A deal's live snapshot, the one its WebSocket pushes (``deal.progress``)."""

    deal_id: str
    state: str = answer_choices(Deal.State)
    participants: int
    units_sold: int
    stock: int
    current_tier: ProgressTierOut | None
    next_tier: ProgressTierOut | None
    participants_to_next_tier: int | None
    final_price_fen: int | None
    starts_ms: int | None
    deadline_ms: int | None
    # the server's clock when the snapshot was taken, to count down by
    server_now_ms: int


class DealCreateIn(Schema):
    product_id: str = Field(
        description="The product (`prd_…`) the shop lists and sells in the deal."
    )
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5_000)
    list_price_fen: JsonInt
    tiers: list[TierIO] = Field(min_length=1, max_length=10)
    stock: JsonInt
    starts_at: Moment | None = None  # none: now; passed: check_start
    deadline_at: Moment
    # At most the stock; none: 5, or the stock when that is less.
    max_quantity_per_order: JsonInt | None = None
    settlement_mode: str = Field("on_close", json_schema_extra=SETTLEMENT_MODES)
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per deal created (a UUID fits; or the "
            "Idempotency-Key header): sent again with the same request, it "
            "answers the deal the first one created (200) and creates nothing."
        ),
    )


class DealUpdateIn(Schema):
    product_id: str | None = Field(
        None, description="Another product (`prd_…`) for a draft."
    )
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5_000)
    list_price_fen: JsonInt | None = None
    tiers: list[TierIO] | None = Field(None, min_length=1, max_length=10)
    stock: JsonInt | None = None
    starts_at: Moment | None = None
    deadline_at: Moment | None = None
    max_quantity_per_order: JsonInt | None = None
    settlement_mode: str | None = Field(
        None,
        json_schema_extra={
            **SETTLEMENT_MODES,
            "enum": [*SETTLEMENT_MODES["enum"], None],
        },
    )


class DealSearchIn(PageIn):
    q: str = Field(
        "",
        max_length=100,
        description="Title, product, brand or shop; a Chinese name also as pinyin "
        "(niunai) or its initials (nn), two letters at least",
    )
    category: str | None = Field(
        None, description="A category's id (`cat_…`): its deals and its subcategories'."
    )
    latitude: float | None = Field(
        None,
        ge=-90,
        le=90,
        description="With `longitude`: the caller's latitude, to list the nearest "
        "branch's deals first and give each `distance_m` (the names every other "
        "operation gives a position by).",
    )
    longitude: float | None = Field(
        None, ge=-180, le=180, description="With `latitude`: the caller's longitude."
    )
    lat: float | None = Field(
        None, ge=-90, le=90, description="`latitude`'s older name."
    )
    lng: float | None = Field(
        None, ge=-180, le=180, description="`longitude`'s older name."
    )

    def position(self) -> tuple[float | None, float | None]:
        """The caller's position, by either name."""
        latitude = self.latitude if self.latitude is not None else self.lat
        longitude = self.longitude if self.longitude is not None else self.lng
        return latitude, longitude


# A deal's shown_state (Deal.State's values and "scheduled"), what a merchant's
# list filters on.
DealStateFilter = Literal[
    "draft", "scheduled", "open", "succeeded", "failed", "settled"
]


class DealStateFilterIn(PageIn):
    # The deals whose shown_state is this: a settled deal that failed is
    # "failed", not "settled". ``status`` is the same filter's older name.
    state: DealStateFilter | None = Field(
        None,
        description="Only the deals whose `shown_state` is this (a settled deal "
        "that failed is `failed`).",
    )
    status: DealStateFilter | None = Field(None, description="`state`'s older name.")


class AddStockIn(Schema):
    units: JsonInt
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per addition (a UUID fits; or the Idempotency-Key "
            "header): sent again with the same request, it answers 200 with the "
            "stock as it stands and adds nothing; with another deal or number "
            "of units, 409 idempotency_key_reused."
        ),
    )


class ScheduleIn(Schema):
    deadline_at: Moment


class StopIn(Schema):
    # Told to the deal's shoppers, quoted, and kept on their refunded orders.
    reason: str = Field("", max_length=200)


class DealPageOut(PageOut):
    items: list[DealOut]


def deal_outs(deals) -> list[dict]:
    """The deals as the API gives them, a team buy with its teams' stock and end
    of sales (``deals.order_keepers``), one query for the lot."""
    from groupbuy.deals.order_keepers import outcomes_remembered, sales_of

    sales = sales_of(deals)
    # How each closed deal ended (its shown_state), asked once for the lot.
    return [deal_out(deal, sales=sales[deal.pk]) for deal in outcomes_remembered(deals)]


def deal_out(deal, *, sales) -> dict:
    """A deal for the API; ``sales`` is how it sells (``order_keepers.sales_of``)."""
    product = deal.product
    return {
        "id": deal.public_id,
        "title": deal.title,
        "state": deal.state,
        "shown_state": deal.shown_state,
        "merchant": {
            "id": deal.merchant.public_id,
            "name": deal.merchant.display_name,
            "name_zh": deal.merchant.name,
            "name_en": deal.merchant.name_en,
        },
        "product": {
            "id": product.public_id,
            "name": product.name,
            "name_zh": product.name_zh,
            "name_en": product.name_en,
            "category_id": product.category.public_id if product.category else None,
        },
        "list_price_fen": deal.list_price_fen,
        **deal_prices(deal),
        "final_price_fen": deal.final_price_fen,
        "tiers": [tier.as_dict() for tier in deal.tiers.all()],
        "stock": sales.stock,
        "units_sold": sales.sold,
        "participants": deal.participants,
        "max_quantity_per_order": deal.max_quantity_per_order,
        "starts_at": deal.starts_at,
        "deadline_at": deal.deadline_at,
        "sales_end_at": sales.ends_at,
        "closed_at": deal.closed_at,
        "stopped_by": deal.stopped_by or None,
        "stop_reason": deal.stop_reason,
        "distance_m": getattr(deal, "distance_m", None),
    }
