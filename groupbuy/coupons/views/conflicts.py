"""The offline redemptions that did not count: the shop's staff read their
shop's, operators every shop's (one shop's on asking), newest first, each with
the money at stake and the coupon's redemption that counted instead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from groupbuy.core.pagination import paginate
from groupbuy.coupons import selectors
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.views.common import _domain_errors
from groupbuy.web.views.common import domain_errors_as_http


def _page_of(conflicts, request: HttpRequest):
    page = paginate(conflicts, page=request.GET.get("page", 1))
    page.items = selectors.conflicts_with_counted_redemptions(page.items)
    return page


@login_required
@_domain_errors
def merchant_conflicts(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """The shop's conflicts; a cashier limited to one branch sees that
    branch's (as the console and the API)."""
    merchant = selectors.merchant_get_for_staff(
        user=request.user, public_id=merchant_id
    )
    conflicts = selectors.conflicts_for_staff(user=request.user, merchant=merchant)
    context = {
        "merchant": merchant,
        "section": "coupons",
        "conflicts": _page_of(conflicts, request),
    }
    return render(request, "coupons/conflicts.html", context)


@login_required
@domain_errors_as_http
def operator_conflicts(request: HttpRequest) -> HttpResponse:
    """Every shop's conflicts, or the one shop's chosen (``?merchant_id=``)."""
    shops = selectors.merchants_with_conflicts(user=request.user)
    chosen = request.GET.get("merchant_id", "")
    refusal = ""
    try:
        conflicts = selectors.conflicts_for_operator(
            user=request.user, merchant_id=chosen
        )
    except CouponError as error:
        if error.status != 400:
            raise
        refusal, chosen = error.message, ""
        conflicts = selectors.conflicts_for_operator(user=request.user)
    context = {
        "shops": shops,
        "chosen": chosen,
        "refusal": refusal,
        "conflicts": _page_of(conflicts, request),
    }
    template = "coupons/operator/conflicts.html"
    return render(request, template, context, status=400 if refusal else 200)
