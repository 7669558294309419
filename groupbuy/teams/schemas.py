"""API shapes of team buys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from groupbuy.core.api_types import JsonBool, JsonInt, answer_choices
from groupbuy.core.api_urls import AbsoluteUrl, absolute_url
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageOut
from groupbuy.deals.models import Deal
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import intent_payer_url
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.selectors import PaymentState


class TeamDealCreateIn(Schema):
    product_id: str = Field(
        description="The product (`prd_…`) the shop lists and sells."
    )
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5_000)
    team_size: JsonInt
    window_hours: JsonInt
    team_price_fen: JsonInt
    solo_price_fen: JsonInt
    stock: JsonInt
    limit_per_shopper: JsonInt = 1
    starts_at: Moment | None = None  # none: now; passed: check_start
    ends_at: Moment
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per team deal created (a UUID fits; or the "
            "Idempotency-Key header): sent again with the same request, it "
            "answers the team deal the first one opened (200) and opens nothing."
        ),
    )


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


class ExtendIn(Schema):
    ends_at: Moment


class OpenIn(Schema):
    solo: JsonBool = False


class TeamMemberOut(Schema):
    name: str
    paid: bool
    # a member of a team that did not fill (or was stopped), their place
    # refunded; the team still lists who was in it when it ended
    refunded: bool = False


class TeamOut(Schema):
    team_id: str
    deal_id: str
    state: str = answer_choices(Team.State)
    size: int
    price_fen: int
    member_count: int
    slots_left: int
    paid_count: int
    expires_at: datetime
    seconds_left: int
    members: list[TeamMemberOut]
    url: AbsoluteUrl = ""


class TeamDealOutcomeOut(Schema):
    is_over: bool
    completed: int
    solo: int
    refunded: int
    open: int
    label: str


class TeamDealOut(Schema):
    deal_id: str
    title: str
    team_size: int
    window_hours: int
    team_price_fen: int
    solo_price_fen: int
    limit_per_shopper: int
    stock: int
    units_left: int
    ends_at: datetime
    # The deal's state as its page gives it (deals' shown_state), and, for a
    # deal the shop or the platform stopped, who and why, as members are told.
    shown_state: str = answer_choices(Deal.State, "scheduled")
    stopped_by: Literal["merchant", "platform"] | None = None
    stop_reason: str = ""
    outcome: TeamDealOutcomeOut
    # The first page of its open teams (GET deals/{deal_id}/teams has them
    # all, page by page) and how many there are.
    open_teams: list[TeamOut]
    open_teams_total: int


class TeamPaymentOut(Schema):
    intent_id: str
    amount_fen: int
    status: str = answer_choices(PaymentIntent.Status)
    # Where to pay: the pay page, or once the payment was declined, the team's
    # page, which offers to pay again (the membership's can_pay_again).
    pay_url: AbsoluteUrl


class TeamMembershipOut(Schema):
    team: TeamOut
    order_id: str
    status: str = answer_choices(TeamMember.Status)
    payment: TeamPaymentOut | None
    # Where the payment of a place awaiting it stands, as the team page says it
    # (``status`` stays "pending" whether it is to pay, on its way or declined):
    # to_pay, awaiting_outcome, received, declined; None once paid or left.
    payment_state: str | None = answer_choices(PaymentState, None, default=None)
    can_pay_again: bool = False
    pay_by: datetime | None = None


class TeamPageOut(PageOut):
    items: list[TeamOut]


class TeamMembershipPageOut(PageOut):
    items: list[TeamMembershipOut]


def team_out(request, team, snapshot: dict) -> dict:
    from groupbuy.teams.services.common import team_url

    return {**snapshot, "url": absolute_url(request, team_url(team))}


def payment_out(request, intent) -> dict | None:
    if intent is None:
        return None
    return {
        "intent_id": intent.public_id,
        "amount_fen": intent.amount_fen,
        "status": intent.status,
        "pay_url": absolute_url(request, intent_payer_url(intent)),
    }


def payment_state_out(payment) -> dict:
    """The fields of ``TeamMembershipOut`` that say where a place's payment
    stands (``selectors.member_payment``, None: nothing awaits payment)."""
    if payment is None:
        return {"payment_state": None, "can_pay_again": False, "pay_by": None}
    return {
        "payment_state": str(payment.state),
        "can_pay_again": payment.can_pay_again,
        "pay_by": payment.pay_by,
    }
