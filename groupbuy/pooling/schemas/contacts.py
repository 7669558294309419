"""The shapes of the buyers of a product and of contact requests between them."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import answer_choices
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.pooling.models import ContactRequest


class BuyersIn(PageIn):
    product_id: str = Field(
        min_length=1, max_length=40, description="The product (`prd_…`) they buy."
    )
    before: Moment = Field(
        description="Who plans to buy it at a time before this one (ISO 8601)."
    )


class BuyerOut(Schema):
    cart_id: str
    # "Shopper 3": the place in the list, as a pool names its members by seat
    label: str
    branch: str
    window_start_at: datetime
    # always null: no part of the number (it was masked, "+86138****0001",
    # until 2026-12-06); a contact request they accept shows it
    phone: str | None
    contact_id: str | None = Field(
        description=(
            "My contact request to this shopper for this cart, once I asked "
            "(GET /api/pooling/contacts lists it); null until then."
        )
    )


class ContactIn(Schema):
    cart_id: str = Field(
        min_length=1,
        max_length=40,
        description="The other shopper's cart (`cart_…`, from "
        "`GET /api/pooling/buyers`).",
    )
    product_id: str = Field(
        min_length=1, max_length=40, description="The product (`prd_…`) both would buy."
    )


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


class ContactPage(PageOut):
    items: list[ContactOut]


class BuyerPage(PageOut):
    items: list[BuyerOut]
