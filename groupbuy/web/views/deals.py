"""The deal list (home page), the deal page and joining a deal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.catalog.selectors import category_tree, product_photo_urls
from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import paginate
from groupbuy.deals.selectors import deal_detail_for_user, deal_list_open
from groupbuy.deals.services import deal_join
from groupbuy.escrow.services import intent_pay_url
from groupbuy.web.forms import DealFilterForm, JoinForm, add_domain_error
from groupbuy.web.presenters import (
    deal_card,
    deal_cards,
    order_view,
)
from groupbuy.web.views.common import domain_errors_as_http, page_number


def _category_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []

    def walk(nodes, depth: int) -> None:
        for node in nodes:
            choices.append((node.category.slug, "— " * depth + node.category.name))
            walk(node.children, depth + 1)

    walk(category_tree(), 0)
    return choices


def deal_list(request: HttpRequest) -> HttpResponse:
    form = DealFilterForm(request.GET, categories=_category_choices())
    form.is_valid()  # a bad category or location is dropped (the location said)
    filters = form.cleaned_data
    if form.has_error("q"):
        # A search that cannot be run (too long) lists nothing rather than
        # every deal, with the reason beside the search box.
        deals = paginate([])
    else:
        deals = deal_list_open(
            search=filters.get("q") or "",
            category=filters.get("category") or None,
            latitude=filters.get("lat"),
            longitude=filters.get("lng"),
            page=page_number(request),
        )
    context = {
        "form": form,
        "deals": deals,
        "cards": deal_cards(deals.items, labelled=True),
        "is_nearest_first": filters.get("lat") is not None,
    }
    status = 400 if form.has_error("q") else 200
    return render(request, "web/deals/list.html", context, status=status)


# A join asked for before signing in: {"deal": public id, "quantity", "branch"},
# kept in the session (written only by the CSRF-checked join POST) and done on
# return from the sign-in page.
PENDING_JOIN_KEY = "web.pending_join"


def _join_form(detail, data=None) -> JoinForm:
    return JoinForm(
        data,
        max_quantity=detail.deal.max_quantity_per_order,
        # The order limit, the stock, and a unit kept for each buyer the first
        # tier still needs: what this buyer may take now.
        units_left=detail.units_left_for_buyer,
        branches=detail.pickup_branches,
        initial={"pickup_branch": detail.usual_pickup_branch},
    )


def _deal_page(
    request: HttpRequest, deal_id: str, *, join_form=None, status=200
) -> HttpResponse:
    detail = deal_detail_for_user(user=request.user, deal_id=deal_id)
    deal = detail.deal
    if join_form is None:
        join_form = _join_form(detail)
    photo_urls = product_photo_urls(product_id=deal.product_id)
    context = {
        "detail": detail,
        "deal": deal,
        "card": deal_card(deal, participants=detail.progress.get("participants")),
        "thumbnail_url": next(iter(photo_urls), ""),
        "more_photo_urls": photo_urls[1:],
        "my_order": order_view(detail.my_order) if detail.my_order else None,
        "join_form": join_form,
    }
    return render(request, "web/deals/detail.html", context, status=status)


@domain_errors_as_http
def deal_detail(request: HttpRequest, deal_id: str) -> HttpResponse:
    return _deal_page(request, deal_id)


def _join(request: HttpRequest, detail, form: JoinForm) -> HttpResponse | None:
    """Join with a valid form; return the redirect to pay, or None with the
    refusal added to the form."""
    try:
        order = deal_join(
            actor=request.user,
            deal=detail.deal,
            quantity=form.cleaned_data["quantity"],
            pickup_branch=form.chosen_branch(),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return None
    return redirect(intent_pay_url(order.payment_intent))


@require_POST
@domain_errors_as_http
def deal_join_view(request: HttpRequest, deal_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        request.session[PENDING_JOIN_KEY] = {
            "deal": deal_id,
            "quantity": request.POST.get("quantity", ""),
            "pickup_branch": request.POST.get("pickup_branch", ""),
        }
        return redirect_to_login(reverse("web:deal_join_resume", args=[deal_id]))
    detail = deal_detail_for_user(user=request.user, deal_id=deal_id)
    form = _join_form(detail, request.POST)
    if form.is_valid():
        response = _join(request, detail, form)
        if response is not None:
            return response
    return _deal_page(request, deal_id, join_form=form)


@login_required
@domain_errors_as_http
def deal_join_resume(request: HttpRequest, deal_id: str) -> HttpResponse:
    """Finish the join the shopper asked for before signing in.

    Without a pending join for this deal (already done, or never asked) this is
    the deal page. A join that cannot be done shows the form, filled in as it
    was, with the reason.
    """
    pending = request.session.get(PENDING_JOIN_KEY) or {}
    if pending.get("deal") != deal_id:
        return redirect("web:deal_detail", deal_id)
    del request.session[PENDING_JOIN_KEY]
    detail = deal_detail_for_user(user=request.user, deal_id=deal_id)
    data = {
        "quantity": pending.get("quantity"),
        "pickup_branch": pending.get("pickup_branch"),
    }
    form = _join_form(detail, data)
    if form.is_valid():
        response = _join(request, detail, form)
        if response is not None:
            messages.success(
                request, _("You are logged in and your units are reserved.")
            )
            return response
    return _deal_page(request, deal_id, join_form=form)
