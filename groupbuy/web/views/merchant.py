"""The merchant console: listings, deals and their orders.

Every page below /merchant/<merchant id>/ is for that merchant's staff (and
operators, who support them); others get the 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groupbuy.accounts.selectors import user_memberships
from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services import listing_create, listing_update
from groupbuy.core.pagination import paginate
from groupbuy.web.forms import (
    ListingCreateForm,
    ListingEditForm,
    SearchForm,
    add_domain_error,
)
from groupbuy.web.views.common import domain_errors_as_http, page_number


@login_required
def merchant_home(request: HttpRequest) -> HttpResponse:
    memberships = user_memberships(user=request.user)
    if not memberships:
        raise PermissionDenied(_("Only a merchant's staff can open the console."))
    if len(memberships) == 1:
        return redirect("web:merchant_dashboard", memberships[0].merchant.public_id)
    return render(request, "web/merchant/home.html", {"memberships": memberships})


@login_required
@domain_errors_as_http
def merchant_dashboard(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    listings = paginate(catalog.merchant_listings(merchant=merchant), page_size=5)
    context = {"merchant": merchant, "listings": listings, "section": "overview"}
    context.update(_deal_summary(merchant))
    return render(request, "web/merchant/dashboard.html", context)


def _deal_summary(merchant) -> dict:
    """Deals appear once the deals app provides them (see merchant_deals)."""
    return {}


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
