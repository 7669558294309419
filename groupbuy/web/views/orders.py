"""My orders, the order page (with payment confirmation polling) and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.deals.models import DealOrder
from groupbuy.deals.selectors import order_get_for_user, order_list_for_shopper
from groupbuy.deals.services import (
    deal_order_cancel,
    deal_order_payment_retry,
    order_cancel_refusal,
)
from groupbuy.escrow.services import intent_pay_url
from groupbuy.web.presenters import order_view, order_views
from groupbuy.web.views.common import domain_errors_as_http, page_number


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in DealOrder.Status.values:
        status = ""
    orders = order_list_for_shopper(
        user=request.user, shown_status=status or None, page=page_number(request)
    )
    context = {
        "orders": orders,
        "views": order_views(orders.items),
        "status": status,
        "statuses": DealOrder.Status.choices,
    }
    return render(request, "web/orders/list.html", context)


def _order_context(request: HttpRequest, order_id: str) -> dict:
    view = order_view(order_get_for_user(user=request.user, order_id=order_id))
    return {
        "view": view,
        "order": view.order,
        "is_mine": view.order.shopper_id == request.user.pk,
    }


@login_required
@domain_errors_as_http
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    return render(request, "web/orders/detail.html", _order_context(request, order_id))


@login_required
@domain_errors_as_http
def order_status(request: HttpRequest, order_id: str) -> HttpResponse:
    """The order's state as an htmx fragment, with its amounts out of band; it
    keeps polling while the payment confirmation is on its way, and stops once
    it arrives."""
    return render(
        request, "web/orders/_status_update.html", _order_context(request, order_id)
    )


@require_POST
@login_required
@domain_errors_as_http
def order_pay_again(request: HttpRequest, order_id: str) -> HttpResponse:
    """Make a new payment for an order whose payment was declined."""
    order = order_get_for_user(user=request.user, order_id=order_id)
    if order.shopper_id != request.user.pk:  # staff may look, not pay
        raise Http404(_("There is no such order."))
    try:
        order = deal_order_payment_retry(actor=request.user, order=order)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("web:order_detail", order.public_id)
    return redirect(intent_pay_url(order.payment_intent))


@login_required
@domain_errors_as_http
def order_cancel(request: HttpRequest, order_id: str) -> HttpResponse:
    """Ask before cancelling the order, and cancel it (POST).

    The page offers the cancel only where ``order_cancel_refusal`` allows it,
    and says why not otherwise. A POST for an order that already left (a
    second tap on the button, the browser sending the form again) lands on
    the order page, saying where it stands, as the first did: the cancel
    happened once and is not an error."""
    order = order_get_for_user(user=request.user, order_id=order_id)
    if order.shopper_id != request.user.pk:
        raise Http404(_("There is no such order."))
    refusal = None
    if request.method == "POST":
        try:
            order = deal_order_cancel(actor=request.user, order=order)
        except DomainError as error:
            refusal = error
        else:
            _say_cancelled(request, order)
            return redirect("web:order_detail", order.public_id)
    else:
        refusal = order_cancel_refusal(order, now=timezone.now())
    context = {
        "order": order,
        "view": order_view(order),
        "refusal": refusal,
        # A refused POST is an error (409); the page read with a GET says why
        # there is nothing to confirm.
        "error": refusal if request.method == "POST" else None,
    }
    status = 409 if context["error"] else 200
    return render(request, "web/orders/cancel.html", context, status=status)


def _say_cancelled(request: HttpRequest, order: DealOrder) -> None:
    if order.cancel_reason == DealOrder.CancelReason.SHOPPER:
        messages.success(request, _("Your order is cancelled."))
    else:  # it ended otherwise meanwhile (its payment ran out, the shop refunded)
        messages.info(
            request,
            _("This order is %(status)s and can no longer be cancelled.")
            % {"status": order_view(order).status_label},
        )
