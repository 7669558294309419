"""The open group buys anyone may browse, and a shopper's own orders: read
one, pay again after a declined payment, cancel.

Its router is the package's, the others mounted on it: the open group buys
are at the router's own path, ``/api/deals`` (a mounted router's "" answers
at ``/api/deals/``).
"""

from __future__ import annotations

from ninja import Query, Router

from groupbuy.accounts.auth import optional_auth
from groupbuy.core.pagination import page_payload
from groupbuy.deals import selectors, services
from groupbuy.deals.schemas import (
    DealPageOut,
    DealSearchIn,
    JoinOut,
    OrderOut,
    OrderPageOut,
    StatusFilterIn,
    deal_outs,
    order_out,
    order_outs,
    payment_out,
)

router = Router(tags=["deals"])


@router.get("", response=DealPageOut, auth=optional_auth)
def deal_list(request, filters: Query[DealSearchIn]):
    """List open group buys: search, category, nearest branch first (latitude,
    longitude)."""
    latitude, longitude = filters.position()
    result = selectors.deal_list_open(
        search=filters.q,
        category=filters.category,
        latitude=latitude,
        longitude=longitude,
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
