"""The console's page for refunding some units of one paid order of an open
group buy: the units and the reason, then a confirmation saying what goes
back to whom, then the refund (``deal_order_refund_units``).

For the shop's owners (and operators): a cashier is refused the page as the
service refuses them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.core.errors import DomainError
from groupbuy.core.money import format_fen
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import check_can_manage, deal_order_refund_units
from groupbuy.web.forms_merchant import RefundUnitsForm
from groupbuy.web.views.common import domain_errors_as_http
from groupbuy.web.views.merchant_access import merchant_deal


@login_required
@domain_errors_as_http
def merchant_order_refund_units(
    request: HttpRequest, merchant_id: str, deal_id: str, order_id: str
) -> HttpResponse:
    merchant, deal = merchant_deal(request, merchant_id, deal_id)
    check_can_manage(actor=request.user, merchant=merchant)
    order = (
        DealOrder.objects.filter(deal=deal, public_id=order_id)
        .select_related("shopper", "deal__product")
        .first()
    )
    if order is None:
        raise Http404(_("There is no such order."))
    form = RefundUnitsForm(
        request.POST if request.method == "POST" else None, quantity=order.quantity
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirmed"]:
            done = _refund(request, deal, order, form)
            if done is not None:
                return done
        else:
            confirming = True
    context = {
        "merchant": merchant,
        "deal": deal,
        "order": order,
        "shopper": _shopper_label(order.shopper),
        "form": form,
        "confirming": confirming,
        "refund_fen": _asked_fen(form, order) if confirming else 0,
        "section": "orders",
    }
    return render(request, "web/merchant/refund_units.html", context)


def _refund(request, deal, order, form) -> HttpResponse | None:
    """Refund as the confirmed form asks; None (the page again, the refusal
    on it) when the service refuses."""
    data = form.cleaned_data
    try:
        refund = deal_order_refund_units(
            actor=request.user,
            deal=deal,
            order_id=order.public_id,
            units=data["units"],
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        for field, errors in (error.fields or {}).items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return None
    messages.success(
        request,
        ngettext(
            "%(amount)s for %(units)s unit of order %(order)s is refunded to "
            "the buyer.",
            "%(amount)s for %(units)s units of order %(order)s is refunded to "
            "the buyer.",
            refund.units,
        )
        % {
            "amount": format_fen(refund.amount_fen),
            "units": refund.units,
            "order": order.public_id,
        },
    )
    return redirect("web:merchant_deal_detail", deal.merchant.public_id, deal.public_id)


def _asked_fen(form, order: DealOrder) -> int:
    return form.cleaned_data["units"] * order.unit_price_cap_fen


def _shopper_label(shopper) -> str:
    """The buyer as the deal's page and the orders list name them to its shop:
    their display name (else their number, masked); "Deleted user" once erased.

    Not masked as on shared pages (a deal's first buyers): the shop sees its
    own buyers' names beside their masked numbers (docs/api.md, the orders),
    and the owner refunding must know it is the buyer who asked."""
    if is_erased(shopper):
        return _("Deleted user")
    return shopper.display_name or mask_phone(shopper.phone)
