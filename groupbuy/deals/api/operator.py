"""An operator's group buy over the API: read it, close it now, or stop it and
refund everyone (operators only; the operator console's page of a deal)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Router, Schema
from pydantic import StringConstraints

from groupbuy.core.api_types import answer_choices
from groupbuy.deals import services
from groupbuy.deals.models import Deal
from groupbuy.deals.selectors import deal_get_for_operator, deal_held_money
from groupbuy.deals.services.closing import STOP_REASON_MAX_LENGTH

router = Router(tags=["operator"])


class OperatorDealOut(Schema):
    deal_id: str
    title: str
    merchant_id: str
    state: str = answer_choices(Deal.State)
    deadline_at: datetime
    closed_at: datetime | None
    # the price of the tier it closed at (None while open, or failed)
    final_price_fen: int | None
    # what its live orders' payments still hold in escrow, and from how many
    # buyers: what stopping it gives back now
    held_fen: int
    held_buyers: int
    # the stopper's words, quoted to its buyers ("" unless stopped)
    stop_reason: str


class OperatorDealStopIn(Schema):
    # Told to the buyers, quoted; kept in the audit log. Required here.
    reason: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=STOP_REASON_MAX_LENGTH
        ),
    ]


def _deal_out(deal: Deal) -> dict:
    held = deal_held_money(deal=deal)
    return {
        "deal_id": deal.public_id,
        "title": deal.title,
        "merchant_id": deal.merchant.public_id,
        "state": deal.state,
        "deadline_at": deal.deadline_at,
        "closed_at": deal.closed_at,
        "final_price_fen": deal.final_price_fen,
        "held_fen": held.held_fen,
        "held_buyers": held.buyers,
        "stop_reason": deal.stop_reason,
    }


@router.get("/{deal_id}", response=OperatorDealOut)
def operator_deal(request, deal_id: str):
    """A group buy of any shop as the operator's page shows it."""
    return _deal_out(deal_get_for_operator(user=request.auth, deal_id=deal_id))


@router.post("/{deal_id}/close", response=OperatorDealOut)
def operator_deal_close(request, deal_id: str):
    """Close now as if the deadline had passed: the tier reached sets the price
    and each buyer is charged it, the rest refunded; below the first tier
    everyone is refunded. Not open (a draft, or closed already): 409."""
    deal = deal_get_for_operator(user=request.auth, deal_id=deal_id)
    return _deal_out(services.deal_close_now(actor=request.auth, deal=deal))


@router.post("/{deal_id}/stop", response=OperatorDealOut)
def operator_deal_stop(request, deal_id: str, payload: OperatorDealStopIn):
    """Stop as failed: every buyer is refunded in full and told the reason
    (audited). Not open (a draft, or closed already): 409, nothing changed."""
    deal = deal_get_for_operator(user=request.auth, deal_id=deal_id)
    deal = services.deal_stop(actor=request.auth, deal=deal, reason=payload.reason)
    return _deal_out(deal)
