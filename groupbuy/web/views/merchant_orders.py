"""The merchant console's orders: every deal's orders in one list, its CSV
export, and refunding one order with a reason.

Phone numbers are masked everywhere here, in the CSV too: the console is for
running the shop, not for copying the customers' numbers.
"""

from __future__ import annotations

import csv
import itertools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog import selectors as catalog
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import join_sentences, label_colon
from groupbuy.core.money import format_fen_for_spreadsheet
from groupbuy.core.pagination import paginate
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.core.streaming import sent_as_read
from groupbuy.deals.errors import DealError
from groupbuy.deals.merchant_selectors import (
    OrderFilters,
    merchant_orders,
    merchant_orders_for_export,
)
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_order_refund
from groupbuy.web.forms_merchant import OrderFilterForm, RefundForm
from groupbuy.web.presenters import order_views
from groupbuy.web.templatetags.money import fen
from groupbuy.web.views.common import domain_errors_as_http, page_number, safe_next_url
from groupbuy.web.views.merchant_access import console_roles, merchant_deal


def _filters(request: HttpRequest, merchant) -> tuple[OrderFilterForm, OrderFilters]:
    """Read the list's filters. One that does not read (a day before the start,
    an unknown deal) is dropped and shown as an error on the form; the others
    still apply, so the list never grows to every order because of one typo."""
    deals = Deal.objects.filter(merchant=merchant).order_by("-deadline_at", "-id")
    form = OrderFilterForm(
        request.GET, deals=[(deal.public_id, deal.title) for deal in deals[:200]]
    )
    form.is_valid()
    data = form.cleaned_data
    return form, OrderFilters(
        query=data.get("q", ""),
        deal_id=data.get("deal", ""),
        # the status the list's pills give: a paid order its shopper
        # cancelled is under Cancelled, as on the shopper's My orders
        shown_status=data.get("status", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        date_by=data.get("date_by") or "joined",
    )


def _export_query(filters: OrderFilters) -> str:
    """The CSV link's query: the filters the list applied, and only those."""
    values = {
        "q": filters.query,
        "deal": filters.deal_id,
        "status": filters.shown_status,
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "date_by": "" if filters.date_by == "joined" else filters.date_by,
    }
    return urlencode({name: value for name, value in values.items() if value})


def _filters_refused(form: OrderFilterForm) -> DealError:
    details = join_sentences(
        f"{form.fields[name].label if name in form.fields else ''}"
        f"{label_colon()}{message}"
        for name, messages in form.errors.items()
        for message in messages
    )
    return DealError(
        "invalid_filter",
        _(
            "The download was not made, a filter could not be read (%(details)s). "
            "Correct it on the order list and download again."
        )
        % {"details": details},
        fields={name: list(messages) for name, messages in form.errors.items()},
    )


@login_required
@domain_errors_as_http
def merchant_order_list(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    form, filters = _filters(request, merchant)
    orders = paginate(
        merchant_orders(user=request.user, merchant=merchant, filters=filters),
        page=page_number(request),
        deferred_join=True,  # a busy shop's last pages stay quick
    )
    roles = console_roles(request.user, merchant)
    context = {
        "merchant": merchant,
        "form": form,
        "orders": orders,
        "views": order_views(orders.items),
        "refund_form": RefundForm(),
        "export_query": _export_query(filters),
        "section": "orders",
        **roles,
    }
    return render(request, "web/merchant/orders.html", context)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv."""

    def write(self, value: str) -> str:
        return value


CSV_HEADER = (
    "order",
    "group_buy",
    "buyer",
    "phone_masked",
    "quantity",
    "status",
    "paid_yuan",
    "refunded_yuan",
    "refund_reason",
    "joined_at",
    # When it was paid (empty if never): the moment Sales counts it on.
    "paid_at",
)


def _csv_rows(orders):
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow(CSV_HEADER)
    for order in orders.iterator(chunk_size=500):
        yield writer.writerow(
            [
                order.public_id,
                spreadsheet_cell(order.deal.title),
                *_buyer_cells(order.shopper),
                order.quantity,
                order.shown_status_label,
                # What its payments brought in (a deposit paid in part is
                # not the order's whole amount), as the list shows it.
                format_fen_for_spreadsheet(order.paid_fen),
                format_fen_for_spreadsheet(order.refunded_fen),
                spreadsheet_cell(order.refund_reason),
                _moment(order.joined_at),
                _moment(order.paid_at),
            ]
        )


def _buyer_cells(shopper) -> list[str]:
    """The buyer's name and masked phone; "Deleted user" and no phone for an
    erased account, as the other pages name it (its pseudonym is no phone)."""
    if is_erased(shopper):
        return [str(_("Deleted user")), ""]
    return [
        spreadsheet_cell(shopper.display_name),
        # The mask starts with "+": quoted against formulas.
        spreadsheet_cell(mask_phone(shopper.phone)),
    ]


def _moment(moment) -> str:
    """A moment in the site's time zone (ISO 8601), "" for none."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


ROWS_PER_HOP = 500


@login_required
@domain_errors_as_http
def merchant_order_export(request: HttpRequest, merchant_id: str) -> HttpResponse:
    # The owners' (a cashier is refused before the filters are read).
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form, filters = _filters(request, merchant)
    if form.errors:
        # Never more than the list shows: not every order for want of a filter.
        error = _filters_refused(form)
        return render(request, "web/error.html", {"error": error}, status=400)
    orders = merchant_orders_for_export(
        user=request.user, merchant=merchant, filters=filters
    )
    rows = _csv_rows(orders)
    response = StreamingHttpResponse(
        # The ORM reads in the request's thread, ROWS_PER_HOP rows at a time.
        sent_as_read(
            lambda: "".join(itertools.islice(rows, ROWS_PER_HOP)),
            thread_sensitive=True,
        ),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="orders-{merchant.public_id}-{stamp}.csv"'
    )
    return response


@login_required
@require_POST
@domain_errors_as_http
def merchant_order_refund(
    request: HttpRequest, merchant_id: str, deal_id: str, order_id: str
) -> HttpResponse:
    _merchant, deal = merchant_deal(request, merchant_id, deal_id)
    back = safe_next_url(
        request, reverse("web:merchant_deal_detail", args=[merchant_id, deal_id])
    )
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the buyer a reason for the refund."))
        return redirect(back)
    try:
        order = deal_order_refund(
            actor=request.user,
            deal=deal,
            order_id=order_id,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Order %(order)s was refunded: %(amount)s.")
            % {"order": order.public_id, "amount": fen(order.refunded_fen)},
        )
    return redirect(back)
