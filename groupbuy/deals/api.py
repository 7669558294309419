"""Deals API: browse and join group buys, my orders, the merchant's console."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.accounts.auth import optional_auth
from groupbuy.catalog.models import Merchant, Product
from groupbuy.catalog.permissions import require_merchant_money_reader
from groupbuy.core.errors import NotFound, fields_renamed, id_in_request
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.moments import check_start
from groupbuy.core.pagination import page_payload, paginate
from groupbuy.deals import selectors, services
from groupbuy.deals.errors import DealError
from groupbuy.deals.join_reads import deal_get_for_join
from groupbuy.deals.merchant_selectors import (
    OrderFilters,
    merchant_deal_to_filter_on,
    merchant_orders,
    merchant_sales,
    sales_period,
)
from groupbuy.deals.schemas import (
    AddStockIn,
    DealCreateIn,
    DealDetailOut,
    DealPageOut,
    DealSearchIn,
    DealStateFilterIn,
    DealUpdateIn,
    JoinIn,
    JoinOut,
    MerchantOrderFilterIn,
    MerchantOrderOut,
    MerchantOrderPageOut,
    OrderOut,
    OrderPageOut,
    ProgressOut,
    RefundIn,
    SalesIn,
    SalesOut,
    ScheduleIn,
    StatusFilterIn,
    StopIn,
    deal_detail_out,
    deal_outs,
    merchant_order_out,
    merchant_order_outs,
    order_out,
    order_outs,
    payment_out,
)
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router(tags=["deals"])
# The services name the product they take; a request names its id.
PRODUCT_AS_SENT = {"product": "product_id"}


def _detail(request, deal_id: str) -> dict:
    detail = selectors.deal_detail_for_user(user=request.auth, deal_id=deal_id)
    return deal_detail_out(request, detail)


@router.get("", response=DealPageOut, auth=None)
def deal_list(request, filters: Query[DealSearchIn]):
    """List open group buys: search, category, nearest branch first (lat/lng)."""
    result = selectors.deal_list_open(
        search=filters.q,
        category=filters.category,
        latitude=filters.lat,
        longitude=filters.lng,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, deal_outs(list(result.items)))


@router.get("/orders", response=OrderPageOut)
def my_orders(request, filters: Query[StatusFilterIn]):
    """List my orders, newest first."""
    result = selectors.order_list_for_shopper(
        user=request.auth,
        status=filters.status,
        shown_status=filters.shown_status,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, order_outs(request, result.items))


@router.get("/orders/{order_id}", response=OrderOut)
def order_detail(request, order_id: str):
    """One of my orders with its payment; another person's order is 404."""
    order = selectors.order_get_for_user(user=request.auth, order_id=order_id)
    return order_out(request, order)


@router.post("/orders/{order_id}/pay-again", response=JoinOut)
def order_pay_again(request, order_id: str):
    """Get a new payment for my order after its payment was declined (until
    the payment window ends)."""
    order = selectors.order_get_for_user(user=request.auth, order_id=order_id)
    order = services.deal_order_payment_retry(actor=request.auth, order=order)
    return {
        "order": order_out(request, order),
        "payment": payment_out(request, order),
    }


@router.post("/orders/{order_id}/cancel", response=OrderOut)
def order_cancel(request, order_id: str):
    """Cancel my order before the deadline; what it holds is refunded, except a
    demand's deposit, which goes by the demand's forfeit rule (cancelling such
    an order is leaving the demand)."""
    order = selectors.order_get_for_user(user=request.auth, order_id=order_id)
    order = services.deal_order_cancel(actor=request.auth, order=order)
    return order_out(request, order)


@router.get("/merchants/{merchant_id}/deals", response=DealPageOut)
def merchant_deals(request, merchant_id: str, filters: Query[DealStateFilterIn]):
    """List a merchant's group buys (its staff only), all or those of a
    ``state`` (``status`` too), as each reads: a settled failure is "failed",
    an open deal before its start "scheduled" (not "open")."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    result = selectors.deal_list_for_merchant(
        user=request.auth,
        merchant=merchant,
        state=filters.state or filters.status,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, deal_outs(list(result.items)))


@router.post(
    "/merchants/{merchant_id}/deals", response={200: DealDetailOut, 201: DealDetailOut}
)
def deal_create(
    request,
    merchant_id: str,
    payload: DealCreateIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Create a draft group buy (the merchant's owners, or operators).

    With an ``idempotency_key`` (or an ``Idempotency-Key`` header) the same
    request sent again answers the deal the first one created, 200."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    services.check_can_manage(actor=request.auth, merchant=merchant)
    key = idempotency_key_sent(request, payload.idempotency_key)
    check_start(payload.starts_at)
    with id_in_request("product_id"):
        product = get_object_or_404(Product, public_id=payload.product_id)
    fields = payload.dict(exclude={"product_id", "tiers", "idempotency_key"})
    fields["starts_at"] = payload.starts_at or timezone.now()
    tiers = [(tier.min_participants, tier.price_fen) for tier in payload.tiers]
    earlier = services.deal_created_with(actor=request.auth, idempotency_key=key)
    with fields_renamed(PRODUCT_AS_SENT):
        deal = services.deal_create(
            actor=request.auth,
            merchant=merchant,
            product=product,
            tiers=tiers,
            idempotency_key=key,
            **fields,
        )
    return Status(200 if earlier else 201, _detail(request, deal.public_id))


@router.get("/{deal_id}", response=DealDetailOut, auth=optional_auth)
def deal_detail(request, deal_id: str):
    """Show a group buy, with my order on it when I am signed in."""
    return _detail(request, deal_id)


@router.get("/{deal_id}/progress", auth=None, response=ProgressOut)
def deal_progress(request, deal_id: str):
    """Return the live snapshot (the same one pushed over the deal's WebSocket)."""
    snapshot = selectors.deal_progress(deal_public_id=deal_id)
    if snapshot is None:
        raise NotFound("not_found", _("There is no such group buy."))
    return snapshot


@router.patch("/{deal_id}", response=DealDetailOut)
def deal_update(request, deal_id: str, payload: DealUpdateIn):
    """Edit a draft group buy."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    check_start(payload.starts_at, stored=deal.starts_at)
    changes = payload.dict(exclude_unset=True, exclude={"product_id"})
    if payload.tiers is not None:
        changes["tiers"] = [(t.min_participants, t.price_fen) for t in payload.tiers]
    if payload.product_id is not None:
        with id_in_request("product_id"):
            changes["product"] = get_object_or_404(
                Product, public_id=payload.product_id
            )
    with fields_renamed(PRODUCT_AS_SENT):
        services.deal_update(actor=request.auth, deal=deal, **changes)
    return _detail(request, deal_id)


@router.post("/{deal_id}/open", response=DealDetailOut)
def deal_open(request, deal_id: str):
    """Open a draft group buy for joining (owners)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    with fields_renamed(PRODUCT_AS_SENT):
        services.deal_open(actor=request.auth, deal=deal)
    return _detail(request, deal_id)


@router.post("/{deal_id}/close", response=DealDetailOut)
def deal_close_now(request, deal_id: str):
    """Close now as if the deadline had passed (owners, operators). A group buy
    no longer open: 409, nothing changed."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    services.deal_close_now(actor=request.auth, deal=deal)
    return _detail(request, deal_id)


@router.post("/{deal_id}/stop", response=DealDetailOut)
def deal_stop(request, deal_id: str, payload: StopIn | None = None):
    """Stop the group buy as failed; everyone is refunded in full and told why
    (owners, operators). A group buy no longer open: 409, nothing changed."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    reason = payload.reason if payload is not None else ""
    services.deal_stop(actor=request.auth, deal=deal, reason=reason)
    return _detail(request, deal_id)


@router.post("/{deal_id}/join", response={201: JoinOut})
def deal_join(request, deal_id: str, payload: JoinIn):
    """Join with a quantity: reserves the units and returns the payment to make."""
    deal = deal_get_for_join(user=request.auth, deal_id=deal_id)
    # A refusal names the branch as this request does, not as the services do.
    with fields_renamed({"pickup_branch": "pickup_branch_id"}):
        branch = selectors.pickup_branch_for_deal(
            deal=deal, branch_id=payload.pickup_branch_id
        )
        # The order comes back whole (its deal, shopper and intent attached): no
        # second read, and the deal's product and tiers are already loaded.
        order = services.deal_join(
            actor=request.auth,
            deal=deal,
            quantity=payload.quantity,
            pickup_branch=branch,
        )
    return Status(
        201,
        {
            "order": order_out(request, order),
            "payment": payment_out(request, order),
        },
    )


@router.get("/{deal_id}/orders", response=MerchantOrderPageOut)
def deal_orders(request, deal_id: str, filters: Query[StatusFilterIn]):
    """List a group buy's orders (its merchant's staff only)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    result = selectors.order_list_for_deal(
        user=request.auth,
        deal=deal,
        status=filters.status,
        shown_status=filters.shown_status,
        page=filters.page,
        page_size=filters.page_size,
    )
    items = merchant_order_outs(request, result.items)
    return page_payload(result, items)


# --- The merchant console ---------------------------------------------------------


@router.get("/merchants/{merchant_id}/orders", response=MerchantOrderPageOut)
def merchant_order_list(
    request, merchant_id: str, filters: Query[MerchantOrderFilterIn]
):
    """Search the orders of all the merchant's group buys (its staff only).
    ``deal_id`` (or ``deal``) naming no deal of this merchant is a 400."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    # Whose orders they are first: anyone else is 403 whatever the filters.
    selectors._check_merchant_staff(user=request.auth, merchant=merchant)
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
    """Orders, units, revenue, fees and refunds per day and per group buy."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    # Whose sales they are first: anyone else is 403 whatever the days.
    require_merchant_money_reader(request.auth, merchant)
    days = _days(period.date_from, period.date_to)
    date_from, date_to = sales_period(days["date_from"], days["date_to"])
    sales = merchant_sales(
        user=request.auth, merchant=merchant, date_from=date_from, date_to=date_to
    )
    return {
        "date_from": sales.date_from,
        "date_to": sales.date_to,
        "total": _sales_row(sales.total),
        "days": [_sales_row(row) for row in sales.days],
        "deals": [_sales_row(row) for row in sales.deals],
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
    return _detail(request, deal_id)


@router.post("/{deal_id}/schedule", response=DealDetailOut)
def deal_change_schedule(request, deal_id: str, payload: ScheduleIn):
    """Move the deadline of an open or draft group buy (owners, operators)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    services.deal_change_schedule(
        actor=request.auth, deal=deal, deadline=payload.deadline_at
    )
    return _detail(request, deal_id)


@router.post("/{deal_id}/orders/{order_id}/refund", response=MerchantOrderOut)
def deal_order_refund(request, deal_id: str, order_id: str, payload: RefundIn):
    """Refund one paid order in full, with a reason the buyer is told."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    order = services.deal_order_refund(
        actor=request.auth, deal=deal, order_id=order_id, reason=payload.reason
    )
    return merchant_order_out(request, order)


# Its refund of some units of an order, on this router (a module of its own).
from groupbuy.deals import api_unit_refunds  # noqa: E402, F401
