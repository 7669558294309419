"""Shapes of the snap API's answers and inputs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from groupbuy.core.api_types import JsonBool, answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import PageOut
from groupbuy.snap.models import Method, Snap


class CategoryOut(Schema):
    id: str = Field(examples=["cat_4k9x2m7q8r3t5w6y"])
    slug: str
    name: str


class SnapProductOut(Schema):
    id: str = Field(examples=["prd_4k9x2m7q8r3t5w6y"])
    name: str
    name_zh: str
    name_en: str
    brand: str
    spec: str
    gtin: str
    category: CategoryOut | None
    image_url: AbsoluteUrl


_CALIBRATED = (
    "Whether ``confidence`` is a measured precision (barcodes, appearance: "
    "the share right on held-out photos at that score) or, where unmeasured "
    "(the name on the label), the raw match score."
)


class MatchOut(Schema):
    product: SnapProductOut
    confidence: float = Field(ge=0, le=1)
    calibrated: bool = Field(description=_CALIBRATED)
    method: str = answer_choices(Method)
    method_label: str
    reason: str = Field(
        description="Why it is suggested, naming the product.",
        examples=["looks like Bananas"],
    )


class TierOut(Schema):
    min_participants: int
    price_fen: int


class SnapPickupBranchOut(Schema):
    id: str = Field(examples=["br_3f8k2m9q4r7t1w5y"])
    name: str
    name_en: str = Field(description='The English name, "" when none.')
    opening_hours_summary: str = Field(
        description='When it opens, in the reader\'s language ("" when not given).',
        examples=["Mon–Fri 08:00–22:00; Sat–Sun 09:00–21:00"],
    )


class SnapDealOut(Schema):
    id: str = Field(examples=["deal_4k9x2m7q8r3t5w6y"])
    title: str
    product_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    list_price_fen: int
    current_price_fen: int = Field(description="What a unit costs at today's tier.")
    lowest_price_fen: int = Field(description="The best tier's price.")
    tiers: list[TierOut]
    units_left: int
    starts_at: datetime
    deadline_at: datetime
    deadline_ms: int = Field(description="The deadline in epoch milliseconds.")
    url: AbsoluteUrl
    sells_in_teams: bool = Field(
        description="A team buy: bought alone or in a team on its page, not in one tap."
    )
    join_url: AbsoluteUrl = Field(description="The one-tap join; empty for a team buy.")
    pickup_branches: list[SnapPickupBranchOut] = Field(
        description="Where a buyer may collect, when the shop has several: the "
        "join must name one (pickup_branch). Empty when there is no choice."
    )


class DemandNoteOut(Schema):
    counted: bool = Field(description="This snap counted as asking for a deal.")
    requesters: int = Field(description="People asking for the product so far.")
    will_notify: bool = Field(description="You will be told when a deal launches.")
    sign_in_to_be_notified: bool


class SnapAnswerOut(Schema):
    id: str = Field(examples=["snp_4k9x2m7q8r3t5w6y"])
    status: str = answer_choices(Snap.Status)
    recognised: bool
    needs_confirmation: bool = Field(
        description="Not sure enough to count: confirm one of ``alternatives`` "
        "(or none of them) with POST /api/snap/{id}/confirm."
    )
    product: SnapProductOut | None
    may_say_none: bool = Field(
        description="Whether I may say the photo shows none of the suggestions "
        "(nor ``product``): POST /api/snap/{id}/confirm with none_of_these."
    )
    confidence: float = Field(ge=0, le=1)
    confidence_percent: int
    calibrated: bool = Field(description=_CALIBRATED)
    method: str = answer_choices(
        Method, "", description="barcode, name or appearance; empty if none."
    )
    method_label: str
    alternatives: list[MatchOut] = Field(max_length=5)
    deals: list[SnapDealOut]
    looks_like: CategoryOut | None = Field(
        description="The kind of product, when only that could be told."
    )
    category_deals: list[SnapDealOut]
    unknown_barcodes: list[str]
    ask_for_product_url: AbsoluteUrl = Field(
        description="For a barcode the catalog lacks: the page to ask for the "
        "product (a group-buy request others can join), its form filled with "
        "the barcode. The snap itself counts as asking for nothing. Empty "
        "otherwise.",
        examples=["https://groupbuy.example.com/demands/new/?barcode=8413000065504"],
    )
    hint: str
    demand: DemandNoteOut
    ocr_text: str
    created_at: datetime
    total_ms: float


class SnapSummaryOut(Schema):
    id: str
    status: str = answer_choices(Snap.Status)
    product: SnapProductOut | None
    method: str = answer_choices(Method, "")
    confidence: float
    photo_url: AbsoluteUrl
    created_at: datetime


class SnapPageOut(PageOut):
    items: list[SnapSummaryOut]


class DailyOut(Schema):
    date: date
    requesters: int


class DemandRowOut(Schema):
    signal_id: str
    product: SnapProductOut
    count: int = Field(description="The patent's counter: requesters minus one.")
    requesters: int
    threshold: int
    over_threshold: bool
    threshold_passed_at: datetime | None
    first_requested_at: datetime
    last_requested_at: datetime
    daily: list[DailyOut]
    launch_url: AbsoluteUrl


class DemandPageOut(PageOut):
    items: list[DemandRowOut]


class QueueItemOut(Schema):
    id: str
    photo_url: AbsoluteUrl
    ocr_text: str
    looks_like: CategoryOut | None
    unknown_barcodes: list[str]
    guesses: list[dict]
    created_at: datetime
    signed_in: bool


class QueuePageOut(PageOut):
    items: list[QueueItemOut]


class SnapListingOut(Schema):
    merchant_id: str
    merchant_name: str
    price_fen: int


class LaunchPrefillOut(Schema):
    product: SnapProductOut
    demand: DemandRowOut | None
    title: str
    deadline_at: datetime
    suggested_min_participants: int
    listings: list[SnapListingOut]
    everyday_price_fen: int | None


class NewProductIn(Schema):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    gtin: str | None = Field(None, max_length=20)
    brand: str | None = Field(None, max_length=120)
    spec: str | None = Field(None, max_length=120)
    category: str | None = Field(None, description="Category id (cat_…).")


class LiveCodeIn(Schema):
    format: str = Field(
        ..., max_length=20, description="The BarcodeDetector format: ean_13, qr_code…"
    )
    text: str = Field(..., max_length=512, description="The code's text as read.")


class ConfirmIn(Schema):
    product: str | None = Field(None, description="The suggested product it is.")
    none_of_these: JsonBool = Field(False, description="None of the suggestions.")


class LabelIn(Schema):
    product: str | None = Field(None, description="An existing product's id.")
    new_product: NewProductIn | None = None
