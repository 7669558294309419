"""The merchant console: listings, deals and their orders.

Every page below /merchant/<merchant id>/ is for that merchant's staff (and
operators, who support them); others get the 403 page.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.selectors import user_memberships
from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.permissions import is_merchant_money_reader
from groupbuy.catalog.selectors import staff as staff_selectors
from groupbuy.catalog.services import listing_create, listing_update
from groupbuy.core.errors import DomainError, Forbidden
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.deals.models import SCHEDULED, SCHEDULED_LABEL, Deal, DealOrder
from groupbuy.deals.selectors import (
    deal_list_for_merchant,
    order_list_for_deal,
)
from groupbuy.deals.services import deal_create, deal_update
from groupbuy.deals.services.common import check_can_manage
from groupbuy.escrow.selectors import merchant_payable_fen
from groupbuy.web.forms import (
    DealForm,
    ListingCreateForm,
    ListingEditForm,
    SearchForm,
    add_domain_error,
)
from groupbuy.web.forms_merchant import (
    AddStockForm,
    ExtendForm,
    RefundForm,
    StopForm,
)
from groupbuy.web.presenters import deal_cards, order_views
from groupbuy.web.presenters.setup import merchant_setup_steps
from groupbuy.web.templatetags.money import fen
from groupbuy.web.views.common import domain_errors_as_http, page_number
from groupbuy.web.views.merchant_access import merchant_deal
from groupbuy.web.views.merchant_deal_actions import NEXT_STEPS, deal_page_next


@login_required
def merchant_home(request: HttpRequest) -> HttpResponse:
    memberships = user_memberships(user=request.user)
    if not memberships:
        # Still a 403, but one that says the ways in: until 2026-12-07 it was
        # the bare error page, even to someone invited to a shop's staff.
        invitations = staff_selectors.staff_invitations_for_user(user=request.user)
        context = {"invitation_count": invitations.count()}
        return render(request, "web/merchant/no_console.html", context, status=403)
    if len(memberships) == 1:
        return redirect("web:merchant_dashboard", memberships[0].merchant.public_id)
    return render(request, "web/merchant/home.html", {"memberships": memberships})


@login_required
@domain_errors_as_http
def merchant_dashboard(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    listings = paginate(catalog.merchant_listings(merchant=merchant), page_size=5)
    context = {"merchant": merchant, "listings": listings, "section": "overview"}
    recent = list(
        deal_list_for_merchant(user=request.user, merchant=merchant, page_size=5).items
    )
    context["recent_deals"] = deal_cards(recent)
    is_owner = is_merchant_money_reader(request.user, merchant)
    # None for a cashier: the money, and setting the shop up, are the owners'
    context["payable_fen"] = (
        merchant_payable_fen(user=request.user, merchant=merchant) if is_owner else None
    )
    context["setup_steps"] = (
        merchant_setup_steps(
            merchant=merchant, has_listings=bool(listings.items), recent_deals=recent
        )
        if is_owner
        else None
    )
    return render(request, "web/merchant/dashboard.html", context)


@login_required
@domain_errors_as_http
def merchant_listings(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    listings = paginate(
        catalog.merchant_listings(
            merchant=merchant, include_inactive=True, query=query
        ),
        page=page_number(request),
    )
    context = {
        "merchant": merchant,
        "listings": listings,
        "search": search,
        "section": "listings",
    }
    return render(request, "web/merchant/listings.html", context)


@login_required
@domain_errors_as_http
def merchant_listing_create(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    product_id = request.POST.get("product") or request.GET.get("product") or ""
    if not product_id:
        return _product_picker(request, merchant)
    product = catalog.product_get(public_id=product_id)
    form = ListingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing_create(
                actor=request.user,
                merchant=merchant,
                product=product,
                price_fen=form.cleaned_data["price_fen"],
            )
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("“%(product)s” is listed.") % {"product": product}
            )
            return redirect("web:merchant_listings", merchant.public_id)
    context = {"merchant": merchant, "product": product, "form": form}
    return render(request, "web/merchant/listing_create.html", context)


def _product_picker(request: HttpRequest, merchant) -> HttpResponse:
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    products = catalog.product_search(query=query, page=page_number(request))
    context = {
        "merchant": merchant,
        "search": search,
        "products": products,
        "section": "listings",
    }
    return render(request, "web/merchant/product_picker.html", context)


@login_required
@domain_errors_as_http
def merchant_listing_edit(
    request: HttpRequest, merchant_id: str, listing_id: str
) -> HttpResponse:
    listing = catalog.listing_get_for_staff(user=request.user, public_id=listing_id)
    if listing.merchant.public_id != merchant_id:
        return redirect(
            "web:merchant_listing_edit", listing.merchant.public_id, listing.public_id
        )
    initial = {"price_fen": listing.price_fen, "is_active": listing.is_active}
    form = ListingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            listing_update(actor=request.user, listing=listing, **form.cleaned_data)
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The listing is saved."))
            return redirect("web:merchant_listings", merchant_id)
    context = {
        "merchant": listing.merchant,
        "listing": listing,
        "form": form,
        "section": "listings",
    }
    return render(request, "web/merchant/listing_edit.html", context)


# --- Deals ----------------------------------------------------------------------


def listed_product_choices(merchant, *, also=None) -> list[tuple[str, str]]:
    choices = [
        (listing.product.public_id, f"{listing.product.name} · {_yuan(listing)}")
        for listing in catalog.merchant_listings(merchant=merchant)
    ]
    if also is not None and also.public_id not in {value for value, _l in choices}:
        choices.insert(0, (also.public_id, also.name))
    return choices


def listing_prices(merchant) -> dict[str, str]:
    """Return each listed product's everyday price in yuan, for a deal form's
    list price (a team deal's solo price) to start from (web/js/deal-form.js)."""
    return {
        listing.product.public_id: format_fen(
            listing.price_fen, symbol="", grouping=False
        )
        for listing in catalog.merchant_listings(merchant=merchant)
    }


def _yuan(listing) -> str:
    return fen(listing.price_fen)


def _deal_tabs() -> list[tuple[str, str]]:
    """The deal list's tabs, as its rows read: an open deal before its start
    reads "Scheduled" and is under its own tab, not under Open."""
    tabs = list(Deal.State.choices)
    tabs.insert(1, (SCHEDULED, SCHEDULED_LABEL))
    return tabs


@login_required
@domain_errors_as_http
def merchant_deals(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    tabs = _deal_tabs()
    state = request.GET.get("state", "")
    # A value no tab has (an old or mistyped link) lists every deal, saying so:
    # until 2026-12-06 it did so silently, as if the filter had worked.
    unknown_state = state if state and state not in dict(tabs) else ""
    if unknown_state:
        state = ""
    deals = deal_list_for_merchant(
        user=request.user,
        merchant=merchant,
        state=state or None,
        page=page_number(request),
    )
    context = {
        "merchant": merchant,
        "deals": deals,
        "cards": deal_cards(list(deals.items)),
        "state": state,
        "states": tabs,
        "unknown_state": unknown_state,
        "section": "deals",
    }
    return render(request, "web/merchant/deals.html", context)


@login_required
@domain_errors_as_http
def merchant_deal_create(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = DealForm(
        request.POST or None,
        products=listed_product_choices(merchant),
        initial=_new_deal_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog.product_get(public_id=form.cleaned_data["product"])
            deal = deal_create(
                actor=request.user,
                merchant=merchant,
                product=product,
                idempotency_key=form.cleaned_data["idempotency_key"],
                **form.service_arguments(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The group buy is saved as a draft. Open it when ready.")
            )
            return deal_page_next(merchant_id, deal.public_id, step="created")
    context = {"merchant": merchant, "form": form, "section": "deals"}
    context["listing_prices"] = listing_prices(merchant)
    return render(request, "web/merchant/deal_form.html", context)


def _new_deal_initial(request: HttpRequest) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        # No start: empty is now (see DealForm.starts_at).
        "deadline_at": now + timedelta(days=3),
        "product": request.GET.get("product", ""),
        "idempotency_key": secrets.token_urlsafe(16),
    }


@login_required
@domain_errors_as_http
def merchant_deal_edit(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    merchant, deal = merchant_deal(request, merchant_id, deal_id)
    catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    if deal.state != Deal.State.DRAFT:
        messages.warning(request, _("Only a draft group buy can be edited."))
        return redirect("web:merchant_deal_detail", merchant_id, deal_id)
    form = DealForm(
        request.POST or None,
        products=listed_product_choices(merchant, also=deal.product),
        initial=DealForm.initial_for(deal),
        stored_starts_at=deal.starts_at,
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog.product_get(public_id=form.cleaned_data["product"])
            deal_update(
                actor=request.user,
                deal=deal,
                product=product,
                **form.service_arguments(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("web:merchant_deal_detail", merchant_id, deal_id)
    context = {"merchant": merchant, "deal": deal, "form": form, "section": "deals"}
    context["listing_prices"] = listing_prices(merchant)
    return render(request, "web/merchant/deal_form.html", context)


@login_required
@domain_errors_as_http
def merchant_deal_detail(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    merchant, deal = merchant_deal(request, merchant_id, deal_id)
    status = request.GET.get("status", "")
    if status not in DealOrder.Status.values:
        status = ""
    orders = order_list_for_deal(
        user=request.user,
        deal=deal,
        shown_status=status or None,  # the tabs read as the pills do
        page=page_number(request),
    )
    context = {
        "merchant": merchant,
        "deal": deal,
        "card": deal_cards([deal])[0],
        "orders": orders,
        "views": order_views(orders.items),
        "status": status,
        "statuses": DealOrder.Status.choices,
        "section": "deals",
        # Only hides buttons that would be refused; the service decides.
        "can_refund": deal.state == Deal.State.OPEN
        and _can_manage(request.user, deal.merchant),
        "refund_form": RefundForm(),
        "stock_form": AddStockForm(),
        "extend_form": ExtendForm(
            initial={"deadline_at": timezone.localtime(deal.deadline_at)}
        ),
        "stop_form": StopForm(),
        # What to do after saving or opening it (the owners' links only).
        "next_step": step if (step := request.GET.get("step")) in NEXT_STEPS else "",
        "share_url": request.build_absolute_uri(
            reverse("web:deal_detail", args=[deal.public_id])
        ),
    }
    return render(request, "web/merchant/deal_detail.html", context)


def _can_manage(user, merchant) -> bool:
    try:
        check_can_manage(actor=user, merchant=merchant)
    except Forbidden:
        return False
    return True
