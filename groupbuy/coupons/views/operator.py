"""The operators' pages: the platform's coupon signing keys (rotate, revoke),
and revoking an order's coupon. Each action is confirmed on its own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groupbuy.core.errors import DomainError
from groupbuy.coupons import selectors, services
from groupbuy.coupons.forms import OperatorCouponRevokeForm
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http, run_action

KEYS_PAGE = "coupon_keys:list"


@login_required
@domain_errors_as_http
def platform_keys(request):
    keys = selectors.platform_keys_for_operator(
        user=request.user, page=request.GET.get("page", 1)
    )
    return render(request, "coupons/operator/keys.html", {"keys": keys})


def _act(request, action, done) -> HttpResponse:
    """Run a key's ``action``; say ``done(its result)`` or why it was refused
    on the keys page (a 403 or 404 is the page's own)."""
    run_action(request, action, done)
    return redirect(KEYS_PAGE)


@login_required
@domain_errors_as_http
def platform_key_rotate(request):
    active = selectors.platform_key_active_for_operator(user=request.user)
    if request.method != "POST":
        return render(request, "coupons/operator/rotate.html", {"active": active})
    return _act(
        request,
        lambda: services.platform_key_rotate(
            actor=request.user,
            current_key_id=request.POST.get("current_key_id") or None,
        ),
        lambda key: (
            _(
                "Key %(key)s signs new coupons now; the retired key's coupons keep "
                "verifying until they expire."
            )
            % {"key": key.public_id}
        ),
    )


@login_required
@domain_errors_as_http
def platform_key_revoke(request, key_id: str):
    key = selectors.platform_key_get_for_operator(user=request.user, key_id=key_id)
    if request.method != "POST":
        return render(request, "coupons/operator/revoke_key.html", {"key": key})
    return _act(
        request,
        lambda: services.platform_key_revoke(actor=request.user, key=key),
        lambda key: (
            _("Key %(key)s is revoked: the coupons it signed no longer verify.")
            % {"key": key.public_id}
        ),
    )


@login_required
@domain_errors_as_http
def coupon_revoke(request, coupon_id: str):
    coupon = selectors.coupon_get_for_operator(user=request.user, coupon_id=coupon_id)
    order_page = redirect("web:operator_order", coupon.order.public_id)
    form = OperatorCouponRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coupon_revoke_by_operator(
                actor=request.user, coupon=coupon, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The coupon is revoked: tills and stations refuse it.")
            )
            return order_page
    status = 400 if form.errors else 200
    context = {"coupon": coupon, "form": form}
    template = "coupons/operator/revoke_coupon.html"
    return render(request, template, context, status=status)
