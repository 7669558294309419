"""Shoppers' pages of demands: the list, drafting, paying, joining, offers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import paginate
from groupbuy.demands import rules, selectors, services
from groupbuy.demands.forms import (
    DeadlineForm,
    DemandForm,
    JoinForm,
    PhotoForm,
)
from groupbuy.demands.models import DemandPhoto
from groupbuy.escrow.services import intent_pay_url
from groupbuy.web.forms import add_domain_error
from groupbuy.web.presenters import order_view
from groupbuy.web.views.common import domain_errors_as_http

# The services name their fields as the API does.
DEMAND_FIELDS = {"target_unit_price_fen": "target_price", "deadline_at": "deadline"}


def _user(request):
    return request.user if request.user.is_authenticated else None


def demand_list(request):
    """The published demands anyone may join, and mine (each list paged)."""
    mine = selectors.demands_of_user(user=request.user) if _user(request) else []
    return render(
        request,
        "demands/list.html",
        {
            "demands": paginate(
                selectors.demands_published(), page=request.GET.get("page", 1)
            ),
            "mine": paginate(mine, page=request.GET.get("mine_page", 1)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_new(request):
    initial = {
        **DemandForm.initial_now(),
        **DemandForm.initial_for_barcode(request.GET.get("barcode", "")),
    }
    # Bound on any POST, even one with no fields at all, so it says what is missing.
    posted = request.POST if request.method == "POST" else None
    form = DemandForm(posted, initial=initial)
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        try:
            demand = services.demand_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                quantity_wanted=data["quantity_wanted"],
                initiator_quantity=data["initiator_quantity"],
                target_unit_price_fen=data["target_price"],
                deadline_at=data["deadline"],
            )
        except DomainError as error:
            if error.code == "phone_not_verified":
                return _to_phone_check(request, error, back=reverse("demands:new"))
            add_domain_error(form, error, names=DEMAND_FIELDS)
        else:
            return redirect("demands:detail", demand.public_id)
    return render(
        request,
        "demands/new.html",
        {
            "form": form,
            "forfeit_rule": rules.forfeit_rule(),
            "needs_phone_check": request.user.phone_verified_at is None,
            "deposit_example": rules.deposit_fen_for(
                quantity=1, target_unit_price_fen=10_000
            ),
        },
    )


@domain_errors_as_http
def demand_detail(request, demand_id: str):
    user = _user(request)
    demand = selectors.demand_get_for_user(user=user, demand_id=demand_id)
    participation = selectors.participation_of(demand=demand, user=user)
    order = selectors.accepted_order_of(demand=demand, user=user)
    units_left = selectors.units_still_wanted(demand)
    join_form = JoinForm()
    # The browser's hint only; demand_join is what refuses a larger join.
    join_form.fields["quantity"].widget.attrs["max"] = units_left
    return render(
        request,
        "demands/detail.html",
        {
            "demand": demand,
            "me": participation,
            "my_order": order,
            "my_order_view": order_view(order) if order else None,
            "may_leave": selectors.participation_may_leave(
                demand=demand, participation=participation, order=order
            ),
            "deposit_confirming": selectors.deposit_confirming(participation),
            "deposit_refused_fen": selectors.deposit_refused_fen(participation),
            **_offers_context(request, demand=demand, user=user),
            "committed": selectors.committed_units(demand),
            "offer_as": selectors.merchants_offering_as(demand=demand, user=user),
            "join_form": join_form,
            "units_left": units_left,
            "deadline_form": DeadlineForm(
                initial={"deadline": timezone.localtime(demand.deadline_at)}
            ),
            "photo_form": PhotoForm(),
            "photos": demand.shown_photos,
            "max_photos": DemandPhoto.MAX_PHOTOS,
            "notice_hours": int(rules.notice().total_seconds() // 3600),
            "join_deposit_fen": rules.deposit_fen_for(
                quantity=1, target_unit_price_fen=demand.target_unit_price_fen
            ),
        },
    )


def _offers_context(request, *, demand, user) -> dict:
    # (read before the offers: a change between the two reads is fetched again)
    changed_ms = selectors.offers_changed_ms(demand)
    return {
        "is_initiator": user is not None and demand.initiator_id == user.pk,
        # A page of them, cheapest first (?offers_page=, which live.js sends
        # the part's fetch too); every one at once until 2026-12-07.
        "offers": paginate(
            selectors.offers_for_viewer(demand=demand, user=user),
            page=request.GET.get("offers_page", 1),
        ),
        "offers_changed_ms": changed_ms,
    }


@domain_errors_as_http
def demand_offers(request, demand_id: str):
    """The offers part of the demand page, which live.js fetches when the
    demand's socket says its offers changed."""
    user = _user(request)
    demand = selectors.demand_get_for_user(user=user, demand_id=demand_id)
    return render(
        request,
        "demands/_offers.html",
        {"demand": demand, **_offers_context(request, demand=demand, user=user)},
    )


def _to_phone_check(request, error: DomainError, *, back: str):
    """Send an unconfirmed buyer to confirm their number, then back here."""
    messages.error(request, _("Confirm your phone number first; it takes one SMS."))
    return redirect(f"{error.extra['verify_url']}?next={back}")


def _act(request, demand_id: str, action):
    """Run ``action(demand)`` for a POST; a refusal is shown on the page."""
    demand = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    try:
        return action(demand)
    except DomainError as error:
        if error.code == "phone_not_verified":
            return _to_phone_check(
                request, error, back=reverse("demands:detail", args=[demand_id])
            )
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return redirect("demands:detail", demand_id)


@login_required
@require_POST
@domain_errors_as_http
def demand_deposit(request, demand_id: str):
    def pay(demand):
        intent = services.demand_deposit_start(actor=request.user, demand=demand)
        return redirect(intent_pay_url(intent))

    return _act(request, demand_id, pay)


@login_required
@require_POST
@domain_errors_as_http
def demand_publish(request, demand_id: str):
    def publish(demand):
        services.demand_publish(actor=request.user, demand=demand)
        messages.success(request, _("Your demand is published."))
        return redirect("demands:detail", demand_id)

    return _act(request, demand_id, publish)


@login_required
@require_POST
@domain_errors_as_http
def demand_join(request, demand_id: str):
    form = JoinForm(request.POST)

    def join(demand):
        if not form.is_valid():
            messages.error(request, _("Choose how many units you want."))
            return redirect("demands:detail", demand_id)
        _participation, intent = services.demand_join(
            actor=request.user, demand=demand, quantity=form.cleaned_data["quantity"]
        )
        return redirect(intent_pay_url(intent))

    return _act(request, demand_id, join)


@login_required
@require_POST
@domain_errors_as_http
def demand_withdraw(request, demand_id: str):
    def withdraw(demand):
        services.demand_withdraw(actor=request.user, demand=demand)
        messages.success(request, _("You left this demand."))
        return redirect("demands:detail", demand_id)

    return _act(request, demand_id, withdraw)


@login_required
@require_POST
@domain_errors_as_http
def demand_cancel(request, demand_id: str):
    def cancel(demand):
        services.demand_cancel(actor=request.user, demand=demand)
        messages.success(request, _("Cancelled; every deposit is refunded."))
        return redirect("demands:detail", demand_id)

    return _act(request, demand_id, cancel)


@login_required
@require_POST
@domain_errors_as_http
def offer_accept(request, offer_id: str):
    offer = selectors.offer_get(offer_id=offer_id)

    def accept(demand):
        demand = services.offer_accept(actor=request.user, offer=offer)
        order = selectors.accepted_order_of(demand=demand, user=request.user)
        owes = order is not None and order_view(order).needs_payment
        messages.success(
            request,
            _("Offer accepted: pay the rest of your order.")
            if owes
            else _("Offer accepted: your deposit paid your order."),
        )
        return redirect("web:deal_detail", demand.deal.public_id)

    return _act(request, offer.demand.public_id, accept)
