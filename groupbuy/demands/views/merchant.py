"""The merchant's pages of demands: the search, saved searches, the offer form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groupbuy.catalog.models import Merchant, Product
from groupbuy.catalog.permissions import is_merchant_owner, is_merchant_staff
from groupbuy.core.errors import DomainError
from groupbuy.demands import selectors, services
from groupbuy.demands.forms import OfferForm, SearchForm
from groupbuy.demands.models import SavedSearch
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http, run_action

# The services name their fields as the API does.
OFFER_FIELDS = {"unit_price_fen": "unit_price", "product_id": "product"}


def _staff_merchant(request, merchant_id: str) -> Merchant:
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    if not is_merchant_staff(request.user, merchant):
        raise PermissionDenied(_("Only the merchant's staff may do this."))
    return merchant


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def merchant_search(request, merchant_id: str):
    """Search open demands; save the search to hear of new matches."""
    merchant = _staff_merchant(request, merchant_id)
    branches = [b for b in merchant.branches.all() if b.latitude is not None]
    form = SearchForm(request.GET or None, branches=branches)
    results, error = [], None
    if form.is_valid():
        data = form.cleaned_data
        if request.method == "POST":
            try:
                services.saved_search_create(
                    actor=request.user,
                    merchant=merchant,
                    query=data["q"],
                    category=data["category"],
                )
                messages.success(
                    request, _("Search saved: we tell you of new matches.")
                )
            except DomainError as refused:
                messages.error(request, refused.message)
        branch = next((b for b in branches if b.public_id == data["branch"]), None)
        try:
            results = selectors.demand_search(
                query=data["q"],
                filters=selectors.SearchFilters(
                    category_id=data["category"].pk if data["category"] else None,
                    near=(float(branch.latitude), float(branch.longitude))
                    if branch
                    else None,
                    within_m=(data["within_km"] or 0) * 1000 or None,
                    min_quantity=data["min_quantity"],
                    max_quantity=data["max_quantity"],
                ),
            )
        except DomainError as refused:
            error = refused.message
    elif not request.GET:
        results = selectors.demand_search(query="")
    return render(
        request,
        "demands/merchant_search.html",
        {
            "merchant": merchant,
            "form": form,
            "results": results,
            "error": error,
            "saved": selectors.saved_searches_of(merchant=merchant),
            "section": "demand-search",
        },
    )


@login_required
@require_POST
@domain_errors_as_http
def saved_search_delete(request, merchant_id: str, search_id: str):
    merchant = _staff_merchant(request, merchant_id)
    saved = get_object_or_404(SavedSearch, public_id=search_id, merchant=merchant)
    services.saved_search_delete(actor=request.user, saved=saved)
    return redirect("demands:merchant_search", merchant_id)


def _open_offer(offers, merchant):
    """The merchant's open offer, which sending the form again replaces."""
    return next(
        (
            o
            for o in offers
            if o.merchant_id == merchant.pk and o.state == o.State.ACTIVE
        ),
        None,
    )


def _offer_initial(demand, offer) -> dict:
    """The merchant's open offer to revise, else the units the demand wants."""
    if offer is None:
        return {"quantity": demand.quantity_wanted}
    return {
        "product": offer.product.public_id,
        "quantity": offer.quantity,
        "unit_price": offer.unit_price_fen,
        "delivery_on": offer.delivery_on,
        "notes": offer.notes,
    }


def _offer_products(merchant):
    return Product.objects.filter(
        Q(added_by_merchant=merchant) | Q(listings__merchant=merchant), is_active=True
    ).distinct()


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def merchant_offer(request, merchant_id: str, demand_id: str):
    """The offer form (sending again revises the open offer)."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    if not is_merchant_owner(request.user, merchant):
        raise PermissionDenied(_("Only the merchant's owners may make offers."))
    demand = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    products = list(_offer_products(merchant))
    offers = selectors.offers_for_viewer(demand=demand, user=request.user)
    current = _open_offer(offers, merchant)
    initial = _offer_initial(demand, current)
    form = OfferForm(request.POST or None, products=products, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product = next(p for p in products if p.public_id == data["product"])
        try:
            services.offer_submit(
                actor=request.user,
                demand=demand,
                merchant=merchant,
                product=product,
                quantity=data["quantity"],
                unit_price_fen=data["unit_price"],
                delivery_on=data["delivery_on"],
                notes=data["notes"],
            )
        except DomainError as error:
            add_domain_error(form, error, names=OFFER_FIELDS)
        else:
            messages.success(
                request,
                _("Offer sent.")
                if current is None
                else _("Offer replaced: the buyers see only the new one."),
            )
            return redirect("demands:merchant_offer", merchant_id, demand_id)
    return render(
        request,
        "demands/merchant_offer.html",
        {
            "merchant": merchant,
            "demand": demand,
            "form": form,
            "offers": offers,
            "current_offer": current,
            "section": "demand-search",
        },
    )


@login_required
@domain_errors_as_http
@require_POST
def merchant_offer_withdraw(request, merchant_id: str, offer_id: str):
    """Withdraw the merchant's open offer on a demand (an owner's action)."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    if not is_merchant_owner(request.user, merchant):
        raise PermissionDenied(_("Only the merchant's owners may make offers."))
    offer = selectors.offer_get(offer_id=offer_id)
    if offer.merchant_id != merchant.pk:
        raise Http404
    run_action(
        request,
        lambda: services.offer_withdraw(actor=request.user, offer=offer),
        _("Offer withdrawn."),
    )
    return redirect("demands:merchant_offer", merchant_id, offer.demand.public_id)
