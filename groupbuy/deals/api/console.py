"""The merchant console's work on its group buys: search their orders, the
sales figures, add stock, move the deadline, refund an order."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import require_merchant_money_reader
from groupbuy.core.errors import id_in_request
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.pagination import page_payload, paginate
from groupbuy.deals import selectors, services
from groupbuy.deals.api.deals import deal_detail_answer
from groupbuy.deals.errors import DealError
from groupbuy.deals.merchant_selectors import (
    OrderFilters,
    merchant_deal_to_filter_on,
    merchant_orders,
    merchant_sales,
    sales_period,
)
from groupbuy.deals.schemas import (
    AddStockIn,
    DealDetailOut,
    MerchantOrderFilterIn,
    MerchantOrderOut,
    MerchantOrderPageOut,
    RefundIn,
    SalesIn,
    SalesOut,
    ScheduleIn,
    merchant_order_out,
    merchant_order_outs,
)
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router()


@router.get("/merchants/{merchant_id}/orders", response=MerchantOrderPageOut)
def merchant_order_list(
    request, merchant_id: str, filters: Query[MerchantOrderFilterIn]
):
    """Search the orders of all the merchant's group buys (its staff only).
    ``deal_id`` (or ``deal``) naming no deal of this merchant is a 400."""
    # Whose orders they are first: anyone else is 403 whatever the filters.
    merchant = selectors.merchant_get_for_deals_staff(
        user=request.auth, merchant_id=merchant_id
    )
    days = _days(filters.date_from, filters.date_to)
    deal_id = _deal_filter(request, merchant, filters)
    orders = merchant_orders(
        user=request.auth,
        merchant=merchant,
        filters=OrderFilters(
            query=filters.q,
            deal_id=deal_id,
            status=filters.status or "",
            shown_status=filters.shown_status or "",
            date_from=days["date_from"],
            date_to=days["date_to"],
            date_by=filters.date_by,
        ),
    )
    result = paginate(
        orders, page=filters.page, page_size=filters.page_size, deferred_join=True
    )
    items = merchant_order_outs(request, result.items)
    return page_payload(result, items)


def _days(date_from: str | None, date_to: str | None) -> dict:
    """Read ``date_from`` and ``date_to`` as the console's pages read them
    (web.forms_merchant.DateRangeForm: 2026-11-30, 2026-11-1 too, an empty one
    none); a day that cannot be read, or an end before the start, is a 400
    ``invalid_date`` on its parameter, as on the pages (it was a 422)."""
    form = DateRangeForm({"date_from": date_from, "date_to": date_to})
    if not form.is_valid():
        raise form_refusal(form, as_parameters=True)
    return form.cleaned_data


def _deal_filter(request, merchant, filters: MerchantOrderFilterIn) -> str:
    """The deal the orders are filtered on, checked to be the merchant's ("" for
    none): sent as ``deal_id`` or, as the console's page names it, ``deal``."""
    if filters.deal and filters.deal_id and filters.deal != filters.deal_id:
        message = _("Send deal_id or deal, not two different group buys.")
        raise DealError("invalid", message, fields={"deal": [message]})
    name = "deal_id" if filters.deal_id else "deal"
    deal_id = filters.deal_id or filters.deal
    if deal_id:
        with id_in_request(name):
            merchant_deal_to_filter_on(
                user=request.auth, merchant=merchant, deal_id=deal_id
            )
    return deal_id


@router.get("/merchants/{merchant_id}/sales", response=SalesOut)
def merchant_sales_figures(request, merchant_id: str, period: Query[SalesIn]):
    """Orders, units, revenue, fees and refunds per day and per group buy, one
    page of the group buys (``page``, ``page_size``; where it sits in
    ``deals_page``)."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    # Whose sales they are first: anyone else is 403 whatever the days.
    require_merchant_money_reader(request.auth, merchant)
    days = _days(period.date_from, period.date_to)
    date_from, date_to = sales_period(days["date_from"], days["date_to"])
    sales = merchant_sales(
        user=request.auth, merchant=merchant, date_from=date_from, date_to=date_to
    )
    deals = page_payload(
        paginate(sales.deals, page=period.page, page_size=period.page_size)
    )
    return {
        "date_from": sales.date_from,
        "date_to": sales.date_to,
        "total": _sales_row(sales.total),
        "days": [_sales_row(row) for row in sales.days],
        "deals": [_sales_row(row) for row in deals.pop("items")],
        "deals_page": deals,
    }


def _sales_row(row) -> dict:
    return {**vars(row), "net_fen": row.net_fen}


@router.post("/{deal_id}/stock", response=DealDetailOut)
def deal_add_stock(
    request,
    deal_id: str,
    payload: AddStockIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Add units to an open or draft group buy (owners, operators).

    With an ``idempotency_key`` (or an ``Idempotency-Key`` header) the same
    request sent again adds nothing and answers the stock as it stands."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    services.deal_add_stock(
        actor=request.auth,
        deal=deal,
        units=payload.units,
        idempotency_key=idempotency_key_sent(request, payload.idempotency_key),
    )
    return deal_detail_answer(request, deal_id)


@router.post("/{deal_id}/schedule", response=DealDetailOut)
def deal_change_schedule(request, deal_id: str, payload: ScheduleIn):
    """Move the deadline of an open or draft group buy (owners, operators)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    services.deal_change_schedule(
        actor=request.auth, deal=deal, deadline=payload.deadline_at
    )
    return deal_detail_answer(request, deal_id)


@router.post("/{deal_id}/orders/{order_id}/refund", response=MerchantOrderOut)
def deal_order_refund(request, deal_id: str, order_id: str, payload: RefundIn):
    """Refund one paid order in full, with a reason the buyer is told."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    order = services.deal_order_refund(
        actor=request.auth, deal=deal, order_id=order_id, reason=payload.reason
    )
    return merchant_order_out(request, order)
