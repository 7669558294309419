"""The demands API's shapes, and turning models into them."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt, JsonNumber, answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageOut
from groupbuy.demands.models import Demand, Offer, Participation, SavedSearch
from groupbuy.demands.selectors import committed_units, units_still_wanted


class DemandIn(Schema):
    title: str
    description: str = ""
    category_id: str | None = Field(
        None, description="The demand's category (`cat_…`), if any."
    )
    quantity_wanted: JsonInt
    initiator_quantity: JsonInt = 1
    target_unit_price_fen: JsonInt
    deadline_at: Moment
    latitude: JsonNumber | None = None
    longitude: JsonNumber | None = None


class DemandPhotoOut(Schema):
    id: str
    url: AbsoluteUrl


class DemandOut(Schema):
    id: str
    title: str
    description: str
    category_id: str | None
    state: str = answer_choices(Demand.State)
    quantity_wanted: int
    committed_units: int
    units_still_wanted: int
    target_unit_price_fen: int
    deadline_at: datetime
    deadline_ms: int
    forfeit_rule: str
    deal_id: str | None
    accepted_offer_id: str | None
    photos: list[DemandPhotoOut]


class BuyerDemandPageOut(PageOut):
    items: list[DemandOut]


class DemandDeadlineIn(Schema):
    deadline_at: Moment


class DemandJoinIn(Schema):
    quantity: JsonInt


class DemandPaymentOut(Schema):
    participation_id: str
    deposit_fen: int
    intent_id: str
    pay_url: AbsoluteUrl


class DemandParticipationOut(Schema):
    id: str
    status: str = answer_choices(Participation.Status)
    quantity: int
    deposit_fen: int


class DemandDetailOut(DemandOut):
    # The caller's own place in the demand (None: signed out, or not in it).
    my_participation: DemandParticipationOut | None


class DemandOfferIn(Schema):
    merchant_id: str = Field(
        description="The shop offering (`mer_…`); the caller is on its staff."
    )
    product_id: str = Field(description="The shop's product (`prd_…`) offered.")
    quantity: JsonInt
    unit_price_fen: JsonInt
    delivery_on: date
    notes: str = ""


class DemandOfferOut(Schema):
    id: str
    demand_id: str
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    product_id: str
    quantity: int
    unit_price_fen: int
    delivery_on: date
    notes: str
    state: str = answer_choices(Offer.State)


class DemandOfferPageOut(PageOut):
    items: list[DemandOfferOut]


class DemandSearchIn(Schema):
    merchant_id: str = Field(description="The shop searching (`mer_…`).")
    q: str = Field("", description="Words of the demand's title or details.")
    category_id: str | None = Field(None, description="One category's (`cat_…`).")
    branch_id: str | None = Field(
        None, description="Near one of the shop's branches (`br_…`), with `within_km`."
    )
    within_km: float | None = Field(
        None, description="At most this many kilometres from `branch_id`."
    )
    min_quantity: int | None = Field(
        None, description="Wanting at least this many units."
    )
    max_quantity: int | None = Field(
        None, description="Wanting at most this many units."
    )
    deadline_before: Moment | None = Field(
        None, description="Ending before this time (ISO 8601)."
    )


class DemandSavedSearchIn(Schema):
    merchant_id: str = Field(description="The shop saving it (`mer_…`).")
    q: str
    category_id: str | None = Field(
        None, description="Only demands of this category (`cat_…`)."
    )


class DemandSavedSearchOut(Schema):
    id: str
    merchant_id: str
    q: str
    category_id: str | None


def demand_out(demand: Demand) -> dict:
    return {
        "id": demand.public_id,
        "title": demand.title,
        "description": demand.description,
        "category_id": demand.category.public_id if demand.category_id else None,
        "state": demand.state,
        "quantity_wanted": demand.quantity_wanted,
        "committed_units": committed_units(demand),
        "units_still_wanted": units_still_wanted(demand),
        "target_unit_price_fen": demand.target_unit_price_fen,
        "deadline_at": demand.deadline_at,
        "deadline_ms": demand.deadline_ms,
        "forfeit_rule": demand.forfeit_rule,
        "deal_id": demand.deal.public_id if demand.deal_id else None,
        "accepted_offer_id": (
            demand.accepted_offer.public_id if demand.accepted_offer_id else None
        ),
        "photos": [
            {"id": photo.public_id, "url": photo.image.url}
            for photo in demand.shown_photos
        ],
    }


def participation_out(participation: Participation) -> dict:
    return {
        "id": participation.public_id,
        "status": participation.status,
        "quantity": participation.quantity,
        "deposit_fen": participation.deposit_fen,
    }


def offer_out(offer: Offer) -> dict:
    return {
        "id": offer.public_id,
        "demand_id": offer.demand.public_id,
        "merchant_id": offer.merchant.public_id,
        "merchant_name": offer.merchant.display_name,
        "product_id": offer.product.public_id,
        "quantity": offer.quantity,
        "unit_price_fen": offer.unit_price_fen,
        "delivery_on": offer.delivery_on,
        "notes": offer.notes,
        "state": offer.state,
    }


def saved_search_out(saved: SavedSearch) -> dict:
    return {
        "id": saved.public_id,
        "merchant_id": saved.merchant.public_id,
        "q": saved.query,
        "category_id": saved.category.public_id if saved.category_id else None,
    }
