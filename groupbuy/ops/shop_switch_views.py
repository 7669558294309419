"""Pages: a shop as an operator sees it, to switch it off or on again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.ops.forms import SwitchOffForm
from groupbuy.ops.selectors import merchant_standing_for_operator
from groupbuy.ops.shop_switching import merchant_switch_off, merchant_switch_on
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http


def _shop_page(request, merchant_id: str, form=None, status=200):
    standing = merchant_standing_for_operator(
        user=request.user, merchant_id=merchant_id
    )
    context = {"standing": standing, "form": form or SwitchOffForm()}
    return render(request, "ops/operator_shop.html", context, status=status)


@login_required
@domain_errors_as_http
def operator_shop(request, merchant_id: str):
    return _shop_page(request, merchant_id)


@login_required
@require_POST
@domain_errors_as_http
def operator_shop_switch_off(request, merchant_id: str):
    # Refused before the form is read: a shopper learns nothing from it.
    merchant_standing_for_operator(user=request.user, merchant_id=merchant_id)
    form = SwitchOffForm(request.POST)
    if form.is_valid():
        try:
            merchant = merchant_switch_off(
                actor=request.user,
                merchant_id=merchant_id,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(merchant)s is switched off: its group buys take no new joins "
                    "and it cannot open new ones. Its owners are told why."
                )
                % {"merchant": merchant.display_name},
            )
            return redirect("ops:operator_shop", merchant_id)
    return _shop_page(request, merchant_id, form=form, status=400)


@login_required
@require_POST
@domain_errors_as_http
def operator_shop_switch_on(request, merchant_id: str):
    try:
        merchant = merchant_switch_on(
            actor=request.user,
            merchant_id=merchant_id,
            allow_same_name=request.POST.get("allow_same_name") == "on",
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(merchant)s is switched on again; its owners are told.")
            % {"merchant": merchant.display_name},
        )
    return redirect("ops:operator_shop", merchant_id)
