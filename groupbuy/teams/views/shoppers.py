"""A shopper's way into a team buy: the deal's teams, opening or joining a
team (with the confirm page a signed-out tap comes back to), and my teams."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from groupbuy.accounts.names import mask_display_name
from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import paginate
from groupbuy.escrow.services import intent_pay_url
from groupbuy.teams import selectors, services
from groupbuy.web.views.common import domain_errors_as_http


def _intent_to_pay(member):
    """The member's payment while it still awaits paying (not yet paid on the
    provider's page), else None."""
    intent = member.order.payment_intent
    return intent if intent is not None and intent.is_payable else None


def _pay_or_team(member):
    intent = _intent_to_pay(member)
    if intent is not None:
        return redirect(intent_pay_url(intent))
    return redirect("teams:team", member.team.public_id)


@domain_errors_as_http
def deal(request, deal_id: str):
    """Buy alone ¥x / open a team ¥y, and the open teams to join."""
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    teams = selectors.open_teams_page(
        team_deal, viewer=request.user, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "teams/deal.html",
        {
            "team_deal": team_deal,
            "deal": team_deal.deal,
            "teams_page": teams,
            "teams": [
                {**selectors.team_snapshot(t), "opener": mask_display_name(t.opener)}
                for t in teams.items
            ],
        },
    )


def _confirm_first(confirm):
    """Make a team action (a POST) safe to reach signed out.

    A visitor who taps it is sent to sign in with ``next`` the action's own
    address; the browser comes back there with a GET, which answers with
    ``confirm``: a page offering the action again for the person to confirm
    (the tap is not done for them: a payment follows it). Until 2026-12-06
    that GET was an empty 405 and nothing was done. Buying alone keeps its
    choice in the address (``?solo=1``)."""

    def decorate(action):
        @functools.wraps(action)
        @domain_errors_as_http
        def view(request, **kwargs):
            if request.method not in ("GET", "HEAD", "POST"):
                return HttpResponseNotAllowed(["GET", "POST"])
            if not request.user.is_authenticated:
                return redirect_to_login(_confirm_url(request))
            if request.method == "POST":
                return action(request, **kwargs)
            return confirm(request, **kwargs)

        return view

    return decorate


def _is_solo(request) -> bool:
    return (request.POST.get("solo") or request.GET.get("solo")) == "1"


def _confirm_url(request) -> str:
    return request.path + ("?solo=1" if _is_solo(request) else "")


def _confirm_page(request, *, action: str, team_deal, team=None):
    return render(
        request,
        "teams/confirm.html",
        {
            "action": action,
            "team_deal": team_deal,
            "deal": team_deal.deal,
            "team": team,
            "snapshot": selectors.team_snapshot(team) if team else None,
        },
    )


def _confirm_open(request, deal_id: str):
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    if selectors.team_deal_outcome(team_deal)["is_over"]:
        return redirect("teams:deal", deal_id)
    action = "solo" if _is_solo(request) else "open"
    return _confirm_page(request, action=action, team_deal=team_deal)


def _confirm_join_any(request, deal_id: str):
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    if selectors.team_deal_outcome(team_deal)["is_over"]:
        return redirect("teams:deal", deal_id)
    return _confirm_page(request, action="any", team_deal=team_deal)


def _confirm_join(request, team_id: str):
    team = selectors.team_get(team_id=team_id)
    member = selectors.membership_of(user=request.user, team=team)
    is_over = team.state != team.State.OPEN or timezone.now() >= team.expires_at
    if is_over or (member is not None and member.status in member.HOLDING):
        return redirect("teams:team", team_id)  # it says where the team stands
    return _confirm_page(request, action="join", team_deal=team.team_deal, team=team)


@_confirm_first(_confirm_open)
def open_team(request, deal_id: str):
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    try:
        member = services.team_open(
            actor=request.user,
            team_deal=team_deal,
            solo=_is_solo(request),
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("teams:deal", deal_id)
    return _pay_or_team(member)


@_confirm_first(_confirm_join_any)
def join_any(request, deal_id: str):
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    try:
        member = services.team_join_any(actor=request.user, team_deal=team_deal)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("teams:deal", deal_id)
    return _pay_or_team(member)


@_confirm_first(_confirm_join)
def join(request, team_id: str):
    team = selectors.team_get(team_id=team_id)
    try:
        member = services.team_join(actor=request.user, team=team)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        next_team = refusal.fields.get("next_team")
        if next_team:
            return redirect("teams:team", next_team[0])
        return redirect("teams:team", team_id)
    return _pay_or_team(member)


@login_required
def mine(request):
    memberships = paginate(
        selectors.my_memberships(user=request.user), page=request.GET.get("page", 1)
    )
    for membership in memberships.items:
        membership.status_label = selectors.member_status_label(membership)
    return render(request, "teams/mine.html", {"memberships": memberships})
