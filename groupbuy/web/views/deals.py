"""The deal list (home page), the deal page and joining a deal."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from groupbuy.catalog.selectors import category_tree, product_thumbnail_urls
from groupbuy.core.errors import DomainError
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
    form.is_valid()  # invalid filters are dropped and shown as errors
    filters = form.cleaned_data
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
        "cards": deal_cards(deals.items),
        "is_nearest_first": filters.get("lat") is not None,
    }
    return render(request, "web/deals/list.html", context)


def _deal_page(
    request: HttpRequest, deal_id: str, *, join_form=None, status=200
) -> HttpResponse:
    detail = deal_detail_for_user(user=request.user, deal_id=deal_id)
    deal = detail.deal
    if join_form is None:
        join_form = JoinForm(max_quantity=deal.max_quantity_per_order)
    context = {
        "detail": detail,
        "deal": deal,
        "card": deal_card(deal, participants=detail.progress.get("participants")),
        "thumbnail_url": product_thumbnail_urls(product_ids={deal.product_id}).get(
            deal.product_id, ""
        ),
        "my_order": order_view(detail.my_order) if detail.my_order else None,
        "join_form": join_form,
    }
    return render(request, "web/deals/detail.html", context, status=status)


@domain_errors_as_http
def deal_detail(request: HttpRequest, deal_id: str) -> HttpResponse:
    return _deal_page(request, deal_id)


@require_POST
@domain_errors_as_http
def deal_join_view(request: HttpRequest, deal_id: str) -> HttpResponse:
    deal_url = reverse("web:deal_detail", args=[deal_id])
    if not request.user.is_authenticated:
        return redirect_to_login(deal_url)
    deal = deal_detail_for_user(user=request.user, deal_id=deal_id).deal
    form = JoinForm(request.POST, max_quantity=deal.max_quantity_per_order)
    if form.is_valid():
        try:
            order = deal_join(
                actor=request.user, deal=deal, quantity=form.cleaned_data["quantity"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(intent_pay_url(order.payment_intent))
    return _deal_page(request, deal_id, join_form=form)
