"""A shopper's pooling pages: home, a branch's promotions and the pool request
form, a pool request's page, who is buying a product, my carts, my
preferences."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groupbuy.catalog.models import Product
from groupbuy.core.errors import DomainError
from groupbuy.core.money import yuan_to_fen
from groupbuy.core.pagination import paginate
from groupbuy.pooling import selectors, services
from groupbuy.pooling.forms import (
    BuyersForm,
    CartReportForm,
    PoolRequestForm,
    ProfileForm,
)
from groupbuy.pooling.models import CartReport
from groupbuy.pooling.services.shoppers import profile_get_or_create
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http, next_path, run_action


@login_required
@domain_errors_as_http
def home(request):
    """My suggestions and pools, my requests still looking or suggested, and
    where promotions run: each list a page at a time (``page``,
    ``requests_page``, ``branches_page``)."""
    looking = selectors.requests_for_user(user=request.user, still_looking=True)
    return render(
        request,
        "pooling/home.html",
        {
            "pools": paginate(
                selectors.pools_for_user(user=request.user),
                page=request.GET.get("page", 1),
            ),
            "requests": paginate(looking, page=request.GET.get("requests_page", 1)),
            "branches": paginate(
                selectors.branches_with_promotions(),
                page=request.GET.get("branches_page", 1),
            ),
        },
    )


def _products_offered(request, promotions=()) -> tuple[list, dict]:
    """The products a page's form offers, narrowed by its product search
    (``?q=``), and what the page says of that search."""
    query = request.GET.get("q", "").strip()[:100]
    products, found = selectors.products_for_forms(
        promotions=promotions,
        query=query,
        chosen=request.POST.get("product") or request.GET.get("product") or "",
    )
    return products, {"product_query": query, "product_query_found": found}


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def branch(request, branch_id: str):
    """A branch's promotions, and the form to report a cart and ask to pool."""
    branch = selectors.branch_get(branch_id=branch_id)
    promotions = selectors.promotions_at_branch(branch=branch)
    profile = profile_get_or_create(user=request.user)
    products, search = _products_offered(request, promotions)
    form = PoolRequestForm(
        request.POST or None,
        promotions=promotions,
        products=products,
        initial={"max_group_size": profile.max_group_size},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        deadline = now + timedelta(minutes=data["minutes"])
        try:
            with transaction.atomic():  # a refused request keeps no cart
                cart = services.cart_report(
                    actor=request.user,
                    branch=branch,
                    kind=CartReport.Kind.INTENDED,
                    amount_fen=(
                        None if form.pools_items else yuan_to_fen(data["amount"])
                    ),
                    items=form.items(),
                    window_start_at=now,
                    window_end_at=deadline,
                )
                pool_request = services.pool_request_create(
                    actor=request.user,
                    promotion=selectors.promotion_get(promotion_id=data["promotion"]),
                    branch=branch,
                    amount_fen=cart.amount_fen,
                    items=cart.items,
                    deadline_at=deadline,
                    max_group_size=data["max_group_size"],
                    cart=cart,
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("We are looking for shoppers to pool with."))
            return redirect("pooling:request", pool_request_id=pool_request.public_id)
    return render(
        request,
        "pooling/branch.html",
        {
            "branch": branch,
            # A page of them shown; the form offers every one.
            "promotions": paginate(
                promotions, page=request.GET.get("promotions_page", 1)
            ),
            "form": form,
            "max_walk_m": profile.max_walk_m,
            **search,
        },
    )


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def buyers(request):
    """Who plans to buy a product before a date; contact requests both ways."""
    products, search = _products_offered(request)
    # Bound once the search is sent: a product search alone (?q=) only narrows
    # the list the form offers.
    form = BuyersForm(
        request.GET if "product" in request.GET else None, products=products
    )
    found = None
    if form.is_valid():
        before = datetime.combine(
            form.cleaned_data["before"],
            time.max,
            tzinfo=timezone.get_current_timezone(),
        )
        found = paginate(
            selectors.buyers_of_product(
                user=request.user,
                product_id=form.cleaned_data["product"],
                before=before,
            ),
            page=request.GET.get("found_page", 1),
        )
        found.items = selectors.buyer_rows(found, viewer=request.user)
    if request.method == "POST":
        try:
            if request.POST.get("contact"):
                contact = selectors.contact_get_for_user(
                    user=request.user, contact_id=request.POST["contact"]
                )
                services.contact_answer(
                    actor=request.user,
                    contact=contact,
                    accept=request.POST.get("answer") == "accept",
                )
            else:
                services.contact_request(
                    actor=request.user,
                    cart=selectors.cart_get_discoverable(cart_id=request.POST["cart"]),
                    product=get_object_or_404(
                        Product, public_id=request.POST.get("product", "")
                    ),
                )
                messages.success(request, _("Asked. We tell you when they answer."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(request.get_full_path())
    return render(
        request,
        "pooling/buyers.html",
        {
            "form": form,
            "found": found,
            "contacts": _contact_rows(request),
            **search,
        },
    )


def _contact_rows(request):
    result = paginate(
        selectors.contacts_for_user(user=request.user),
        page=request.GET.get("page", 1),
    )
    result.items = [
        selectors.contact_row(contact=contact, viewer=request.user)
        for contact in result.items
    ]
    return result


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def carts(request):
    """Report a purchase or an intended cart (my shopping profile); my reports,
    a page at a time, each with a delete button."""
    products, search = _products_offered(request)
    form = CartReportForm(
        request.POST or None,
        branches=selectors.branches_for_reports(),
        products=products,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cart_report(
                actor=request.user,
                branch=selectors.branch_get(branch_id=data["branch"]),
                kind=data["kind"],
                amount_fen=yuan_to_fen(data["amount"]) if data.get("amount") else None,
                items=form.items(),
                window_start_at=data["window_start_at"],
                window_end_at=data["window_end_at"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Reported. It counts in your shopping profile.")
            )
            return redirect("pooling:carts")
    return render(
        request,
        "pooling/carts.html",
        {
            **search,
            "form": form,
            "carts": paginate(
                selectors.carts_for_user(user=request.user),
                page=request.GET.get("page", 1),
            ),
        },
    )


@login_required
@domain_errors_as_http
@require_POST
def cart_delete(request, cart_id: str):
    cart = selectors.cart_get_for_user(user=request.user, cart_id=cart_id)
    services.cart_delete(actor=request.user, cart=cart)
    messages.success(request, _("Deleted."))
    return redirect("pooling:carts")


@login_required
@domain_errors_as_http
def request_detail(request, pool_request_id: str):
    """One of my pool requests: its promotion, shop, deadline and state, the
    pool it is suggested for or pooled in, and Withdraw while it looks."""
    pool_request = selectors.request_get_with_pool_for_user(
        user=request.user, request_id=pool_request_id
    )
    return render(request, "pooling/request.html", {"pool_request": pool_request})


@login_required
@domain_errors_as_http
@require_POST
def request_withdraw(request, request_id: str):
    """Stop looking for a pool for one of my requests (one not suggested yet:
    a suggested one is answered, declined, on its pool's page)."""
    pool_request = selectors.request_get_for_user(
        user=request.user, request_id=request_id
    )
    run_action(
        request,
        lambda: services.pool_request_withdraw(
            actor=request.user, request=pool_request
        ),
        _("Withdrawn: we no longer look for a pool for it."),
    )
    # back where it was pressed (a dissolved pool's page), else to Pools
    return redirect(next_path(request) or "pooling:home")


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def profile(request):
    current = profile_get_or_create(user=request.user)
    form = ProfileForm(
        request.POST or None,
        initial={
            "max_group_size": current.max_group_size,
            "max_walk_m": current.max_walk_m,
            "is_discoverable": current.is_discoverable,
            "is_invitable": current.is_invitable,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("pooling:profile")
    return render(
        request,
        "pooling/profile.html",
        {"form": form, "summary": selectors.shopping_profile(user=request.user)},
    )
