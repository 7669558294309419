"""Team buys API: team deals, open / join / any team, my teams, the console."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from groupbuy.accounts.auth import optional_auth
from groupbuy.catalog.models import Merchant, Product
from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.moments import check_start
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.deals.services import check_can_manage, deal_created_with
from groupbuy.teams import selectors, services
from groupbuy.teams.schemas import (
    AddStockIn,
    ExtendIn,
    OpenIn,
    TeamDealCreateIn,
    TeamDealOut,
    TeamMembershipOut,
    TeamMembershipPageOut,
    TeamOut,
    TeamPageOut,
    payment_out,
    payment_state_out,
    team_out,
)

router = Router(tags=["teams"])


def _team(request, team) -> dict:
    return team_out(request, team, selectors.team_snapshot(team))


def _membership(request, member) -> dict:
    team = selectors.team_get(team_id=member.team.public_id)
    return {
        "team": _team(request, team),
        "order_id": member.order.public_id,
        "status": member.status,
        "payment": payment_out(request, member.order.payment_intent),
        **payment_state_out(selectors.member_payment(member)),
    }


def _team_deal(request, team_deal) -> dict:
    open_teams = selectors.open_teams_page(team_deal, viewer=request.auth)
    return {
        "deal_id": team_deal.deal.public_id,
        "title": team_deal.deal.title,
        "team_size": team_deal.team_size,
        "window_hours": team_deal.window_hours,
        "team_price_fen": team_deal.team_price_fen,
        "solo_price_fen": team_deal.solo_price_fen,
        "limit_per_shopper": team_deal.limit_per_shopper,
        "stock": team_deal.stock,
        "units_left": team_deal.units_left,
        "ends_at": team_deal.ends_at,
        "shown_state": team_deal.deal.shown_state,
        "stopped_by": team_deal.deal.stopped_by or None,
        "stop_reason": team_deal.deal.stop_reason,
        "outcome": _outcome(team_deal),
        # The first page of its open teams, as its teams page shows them;
        # GET deals/{deal_id}/teams pages through them all.
        "open_teams": [_team(request, t) for t in open_teams.items],
        "open_teams_total": open_teams.total,
    }


def _outcome(team_deal) -> dict:
    outcome = selectors.team_deal_outcome(team_deal)
    return {**outcome, "label": selectors.outcome_label(outcome)}


@router.post(
    "/merchants/{merchant_id}/deals", response={200: TeamDealOut, 201: TeamDealOut}
)
def team_deal_create(
    request,
    merchant_id: str,
    payload: TeamDealCreateIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Create and open a deal in team mode (the merchant's owners, operators).

    With an ``idempotency_key`` (or an ``Idempotency-Key`` header) the same
    request sent again answers the team deal the first one opened, 200."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    check_can_manage(actor=request.auth, merchant=merchant)
    key = idempotency_key_sent(request, payload.idempotency_key)
    check_start(payload.starts_at)
    with id_in_request("product_id"):
        product = get_object_or_404(Product, public_id=payload.product_id)
    earlier = deal_created_with(actor=request.auth, idempotency_key=key)
    with fields_renamed({"product": "product_id"}):
        team_deal = services.team_deal_create(
            actor=request.auth,
            merchant=merchant,
            product=product,
            **payload.dict(exclude={"product_id", "starts_at", "idempotency_key"}),
            starts_at=payload.starts_at or timezone.now(),
            idempotency_key=key,
        )
    return Status(200 if earlier else 201, _team_deal(request, team_deal))


@router.post("/deals/{deal_id}/stock", response=TeamDealOut)
def team_deal_add_stock(
    request,
    deal_id: str,
    payload: AddStockIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Add units to the stock every team shares (the merchant's owners,
    operators), while it sells; a repeated ``idempotency_key`` adds nothing."""
    team_deal = services.team_deal_add_stock(
        actor=request.auth,
        team_deal=selectors.team_deal_get(deal_id=deal_id),
        units=payload.units,
        idempotency_key=idempotency_key_sent(request, payload.idempotency_key),
    )
    return _team_deal(request, team_deal)


@router.post("/deals/{deal_id}/extend", response=TeamDealOut)
def team_deal_extend(request, deal_id: str, payload: ExtendIn):
    """Move the end of sales later (the merchant's owners, operators)."""
    team_deal = services.team_deal_extend(
        actor=request.auth,
        team_deal=selectors.team_deal_get(deal_id=deal_id),
        ends_at=payload.ends_at,
    )
    return _team_deal(request, team_deal)


@router.get("/merchants/{merchant_id}/deals/{deal_id}/teams", response=TeamPageOut)
def merchant_teams(request, merchant_id: str, deal_id: str, paging: Query[PageIn]):
    """Every team of a team deal with its outcome (the merchant's staff only)."""
    team_deal = selectors.team_deal_get_for_shop(
        actor=request.auth, merchant_id=merchant_id, deal_id=deal_id
    )
    teams = selectors.teams_for_merchant(actor=request.auth, team_deal=team_deal)
    result = paginate(teams, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [_team(request, t) for t in result.items])


@router.get("/mine", response=TeamMembershipPageOut)
def my_teams(request, paging: Query[PageIn]):
    """My team memberships, newest first (paged)."""
    result = paginate(
        selectors.my_memberships(user=request.auth),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [_membership(request, m) for m in result.items])


@router.get("/deals/{deal_id}", response=TeamDealOut, auth=optional_auth)
def team_deal_detail(request, deal_id: str):
    """A team deal's prices and its open teams (fewest places left first)."""
    return _team_deal(request, selectors.team_deal_get(deal_id=deal_id))


@router.get("/deals/{deal_id}/teams", response=TeamPageOut, auth=optional_auth)
def team_deal_open_teams(request, deal_id: str, paging: Query[PageIn]):
    """A team deal's open teams, fewest places left first (paged; the reader's
    own teams are left out, as on its teams page)."""
    result = selectors.open_teams_page(
        selectors.team_deal_get(deal_id=deal_id),
        viewer=request.auth,
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [_team(request, t) for t in result.items])


@router.post("/deals/{deal_id}/teams", response={201: TeamMembershipOut})
def team_open(request, deal_id: str, payload: OpenIn):
    """Open a team (or buy alone with ``solo``); returns the payment to make."""
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    member = services.team_open(
        actor=request.auth, team_deal=team_deal, solo=payload.solo
    )
    return Status(201, _membership(request, member))


@router.post("/deals/{deal_id}/any", response={201: TeamMembershipOut})
def team_join_any(request, deal_id: str):
    """Put me in the open team closest to completion."""
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    member = services.team_join_any(actor=request.auth, team_deal=team_deal)
    return Status(201, _membership(request, member))


@router.get("/{team_id}", response=TeamOut, auth=optional_auth)
def team_detail(request, team_id: str):
    """A team's live snapshot (the one pushed over its WebSocket)."""
    return _team(request, selectors.team_get(team_id=team_id))


@router.post("/{team_id}/join", response={201: TeamMembershipOut})
def team_join(request, team_id: str):
    """Take a place in this team; pay the returned payment to keep it."""
    team = selectors.team_get(team_id=team_id)
    member = services.team_join(actor=request.auth, team=team)
    return Status(201, _membership(request, member))
