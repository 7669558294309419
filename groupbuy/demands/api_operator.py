"""An operator's buyer demand over the API: read it with its people and offers,
cancel it (every deposit back), or withdraw one shop's offer on it (operators
only; the operator's demand page does the same)."""

from __future__ import annotations

from ninja import Field, Router, Schema

from groupbuy.core.api_types import answer_choices
from groupbuy.demands import services
from groupbuy.demands.models import Participation
from groupbuy.demands.operator_selectors import (
    demand_for_operator,
    demand_get_for_operator,
    offer_get_for_operator,
)
from groupbuy.demands.schemas import DemandOfferOut, DemandOut, demand_out, offer_out
from groupbuy.demands.services.lifecycle.common import PLATFORM_REASON_CHARS

router = Router(tags=["operator"])


class OperatorDemandParticipantOut(Schema):
    participation_id: str
    # the buyer's person number, for the operator's person page
    person_id: str
    is_initiator: bool
    status: str = answer_choices(Participation.Status)
    quantity: int
    deposit_fen: int


class OperatorDemandOut(Schema):
    demand: DemandOut
    initiator_id: str
    participants: list[OperatorDemandParticipantOut]
    offers: list[DemandOfferOut]
    # the deposits held now, and from how many buyers: what a cancel gives back
    held_fen: int
    held_buyers: int


class OperatorDemandReasonIn(Schema):
    # Told to the people affected, quoted; kept in the audit log. Required.
    reason: str = Field(min_length=1, max_length=PLATFORM_REASON_CHARS)


def _demand_out(demand) -> dict:
    seen = demand_for_operator(demand=demand)
    return {
        "demand": demand_out(demand),
        "initiator_id": demand.initiator.public_id,
        "participants": [
            {
                "participation_id": participation.public_id,
                "person_id": participation.shopper.public_id,
                "is_initiator": participation.is_initiator,
                "status": participation.status,
                "quantity": participation.quantity,
                "deposit_fen": participation.deposit_fen,
            }
            for participation in seen.participations
        ],
        "offers": [offer_out(offer) for offer in seen.offers],
        "held_fen": seen.held_fen,
        "held_buyers": seen.holders,
    }


@router.get("/{demand_id}", response=OperatorDemandOut)
def operator_demand(request, demand_id: str):
    """A buyer demand in any state, with who joined and every shop's offer."""
    return _demand_out(demand_get_for_operator(user=request.auth, demand_id=demand_id))


@router.post("/{demand_id}/cancel", response=OperatorDemandOut)
def operator_demand_cancel(request, demand_id: str, payload: OperatorDemandReasonIn):
    """Cancel a demand that breaks the rules: every deposit is refunded and its
    initiator and buyers are told the reason (audited). Closed already, or a
    group buy launched from it: 409, nothing changed."""
    demand = demand_get_for_operator(user=request.auth, demand_id=demand_id)
    demand = services.demand_cancel_by_platform(
        actor=request.auth, demand=demand, reason=payload.reason
    )
    return _demand_out(demand)


@router.post("/offers/{offer_id}/withdraw", response=DemandOfferOut)
def operator_offer_withdraw(request, offer_id: str, payload: OperatorDemandReasonIn):
    """Withdraw one shop's open offer on a demand: the shop is told the reason,
    the buyers that it is gone (audited). Withdrawn already, accepted or not
    chosen: 409, nothing changed."""
    offer = offer_get_for_operator(user=request.auth, offer_id=offer_id)
    offer = services.offer_withdraw_by_platform(
        actor=request.auth, offer=offer, reason=payload.reason
    )
    return offer_out(offer)
