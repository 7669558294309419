"""Team buy pages: a deal's teams, a team (its share link), my teams, the
merchant's teams per deal. Thin: each calls a selector or a service."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.names import mask_display_name
from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.models import Merchant
from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.core.times import format_local_time
from groupbuy.deals.services import deal_order_cancel
from groupbuy.deals.services.common import check_can_manage
from groupbuy.escrow.services import intent_pay_url
from groupbuy.teams import selectors, services
from groupbuy.teams.forms import ExtendSalesForm, TeamDealForm
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import AddStockForm
from groupbuy.web.views.common import domain_errors_as_http, run_form_action
from groupbuy.web.views.merchant import listed_product_choices, listing_prices


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
    teams = list(selectors.open_teams(team_deal, viewer=request.user)[:20])
    return render(
        request,
        "teams/deal.html",
        {
            "team_deal": team_deal,
            "deal": team_deal.deal,
            "teams": [selectors.team_snapshot(t) for t in teams],
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


def _payment_context(request, team) -> dict:
    """The viewer's place in ``team`` and where its payment stands."""
    member = selectors.membership_of(user=request.user, team=team)
    payment = selectors.member_payment(member)
    is_to_pay = payment is not None and payment.state == selectors.PaymentState.TO_PAY
    return {
        "team": team,
        "member": member,
        # Holding a place (not one who left): the team is theirs to share.
        "is_member": member is not None and member.status in member.HOLDING,
        "payment": payment,
        "pay_url": intent_pay_url(payment.intent) if is_to_pay else "",
        # None: nothing to leave (not a member, the team filled or ended).
        "leave_refund_fen": selectors.member_leave_refund_fen(member),
    }


@domain_errors_as_http
def team(request, team_id: str):
    """The team page: product, price, members, places left, countdown, share."""
    team = selectors.team_get(team_id=team_id)
    return render(
        request,
        "teams/team.html",
        {
            **_payment_context(request, team),
            "deal": team.team_deal.deal,
            "snapshot": selectors.team_snapshot(team),
            "share_url": request.build_absolute_uri(),
            "card": _share_card(team),
        },
    )


@domain_errors_as_http
def team_payment(request, team_id: str):
    """The viewer's payment part of the team page, fetched again (htmx) when
    the team or the viewer's payment changes."""
    team = selectors.team_get(team_id=team_id)
    return render(request, "teams/_team_payment.html", _payment_context(request, team))


def _share_card(team):
    """The sharing app's product card of the team's deal (picture, name, price),
    shown above the team's own link: the sharing app's short links lead to a
    deal, not to one team, so the link people share stays the team page's."""
    from django.apps import apps

    if not apps.is_installed("groupbuy.sharing"):
        return None
    from groupbuy.sharing.selectors import product_card

    deal = team.team_deal.deal
    return product_card(product=deal.product, deal=deal)


@login_required
@require_POST
@domain_errors_as_http
def pay_again(request, team_id: str):
    """Make a new payment for the viewer's place, whose payment was declined."""
    team = selectors.team_get(team_id=team_id)
    member = selectors.membership_of(user=request.user, team=team)
    if member is None:
        raise NotFound("not_found", _("There is no such team."))
    try:
        order = services.team_member_payment_retry(
            actor=request.user, order=member.order
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("teams:team", team_id)
    return redirect(intent_pay_url(order.payment_intent))


@login_required
@require_POST
@domain_errors_as_http
def leave(request, team_id: str):
    """Leave the viewer's place in a team still forming: the order's own cancel
    (``deal_order_cancel``: a paid place is refunded in full). A repeat (a
    second tap) finds the place left and says so again."""
    team = selectors.team_get(team_id=team_id)
    member = selectors.membership_of(user=request.user, team=team)
    if member is None:
        raise NotFound("not_found", _("There is no such team."))
    try:
        order = deal_order_cancel(actor=request.user, order=member.order)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _left_message(order))
    return redirect("teams:team", team_id)


def _left_message(order) -> str:
    if order.cancel_reason != order.CancelReason.SHOPPER:
        # It ended otherwise meanwhile (the team's time ran out, say).
        status = order.Status(order.shown_status).label
        return _("This order is %(status)s and can no longer be cancelled.") % {
            "status": status
        }
    if order.refunded_fen:
        return _("You left the team: %(amount)s is refunded to you.") % {
            "amount": format_fen(order.refunded_fen)
        }
    return _("You left the team; nothing was charged.")


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


def _merchant_team_deal(merchant_id: str, deal_id: str):
    team_deal = selectors.team_deal_get(deal_id=deal_id)
    if team_deal.deal.merchant.public_id != merchant_id:
        raise NotFound("not_found", _("There is no such team buy."))
    return team_deal


@login_required
@domain_errors_as_http
def merchant_teams(request, merchant_id: str, deal_id: str):
    team_deal = _merchant_team_deal(merchant_id, deal_id)
    teams = paginate(
        selectors.teams_for_merchant(actor=request.user, team_deal=team_deal),
        page=request.GET.get("page", 1),
    )
    for team in teams.items:
        team.opener_name = mask_display_name(team.opener)
    return render(
        request,
        "teams/merchant_teams.html",
        {
            "merchant": team_deal.deal.merchant,
            "team_deal": team_deal,
            "deal": team_deal.deal,
            "teams": teams,
            "section": "teams",
            "stock_form": AddStockForm(),
            "extend_form": ExtendSalesForm(
                initial={"ends_at": timezone.localtime(team_deal.ends_at)}
            ),
        },
    )


def _change_sales(request, merchant_id, deal_id, form_class, action, done: str):
    team_deal = _merchant_team_deal(merchant_id, deal_id)
    run_form_action(request, form_class, lambda data: action(team_deal, data), done)
    return redirect("teams:merchant_teams", merchant_id, deal_id)


@login_required
@require_POST
@domain_errors_as_http
def merchant_add_stock(request, merchant_id: str, deal_id: str):
    def action(team_deal, data):
        services.team_deal_add_stock(
            actor=request.user, team_deal=team_deal, units=data["units"]
        )

    return _change_sales(
        request, merchant_id, deal_id, AddStockForm, action, _("The stock is added.")
    )


@login_required
@require_POST
@domain_errors_as_http
def merchant_extend(request, merchant_id: str, deal_id: str):
    def action(team_deal, data):
        services.team_deal_extend(
            actor=request.user, team_deal=team_deal, ends_at=data["ends_at"]
        )

    return _change_sales(
        request,
        merchant_id,
        deal_id,
        ExtendSalesForm,
        action,
        _("The end of sales is moved."),
    )


@login_required
@domain_errors_as_http
def merchant_deals(request, merchant_id: str):
    """The merchant console's team deals, with their teams by outcome."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    team_deals = selectors.team_deals_for_merchant(
        actor=request.user, merchant=merchant
    )
    return render(
        request,
        "teams/merchant_deals.html",
        {
            "merchant": merchant,
            "team_deals": paginate(team_deals, page=request.GET.get("page", 1)),
            "section": "teams",
        },
    )


def _opened_message(deal) -> str:
    if deal.is_scheduled():
        return _("The team buy is scheduled: it starts at %(starts_at)s.") % {
            "starts_at": format_local_time(deal.starts_at)
        }
    return _("The team buy is open.")


@login_required
@domain_errors_as_http
def merchant_deal_create(request, merchant_id: str):
    """The console form for a new deal in team mode (owners and operators)."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    check_can_manage(actor=request.user, merchant=merchant)
    form = TeamDealForm(
        request.POST or None,
        products=listed_product_choices(merchant),
        initial=TeamDealForm.initial_now(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog.product_get(public_id=form.cleaned_data["product"])
            team_deal = services.team_deal_create(
                actor=request.user,
                merchant=merchant,
                product=product,
                **form.service_arguments(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _opened_message(team_deal.deal))
            return redirect(
                "teams:merchant_teams", merchant_id, team_deal.deal.public_id
            )
    return render(
        request,
        "teams/merchant_deal_form.html",
        {
            "merchant": merchant,
            "form": form,
            "section": "teams",
            "listing_prices": listing_prices(merchant),
        },
    )
