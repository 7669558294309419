"""{% refundable_coupon order as coupon %}: the coupon of a confirmed order
with units left to refund (with ``refundable_fen`` and a one-time
``refund_key`` for its form), else None."""

from __future__ import annotations

import secrets

from django import template

from groupbuy.core.request_memo import remembered
from groupbuy.coupons.selectors import refundable_coupons_by_order

register = template.Library()
CONFIRMED = "confirmed"


@register.simple_tag(takes_context=True)
def refundable_coupon(context, order):
    # Only a confirmed order has a coupon. A list's rows (the merchant's order
    # list gives them as ``orders``) are read in one query for the whole page,
    # remembered for the request, rather than one query per confirmed row.
    if order.status != CONFIRMED:
        return None
    pks = _confirmed_pks(context.get("orders"))
    if order.pk not in pks:
        pks = (order.pk,)
    by_order = remembered(
        ("coupons.refundable_coupons_by_order", pks),
        lambda: refundable_coupons_by_order(orders=list(pks)),
    )
    coupon = by_order.get(order.pk)
    if coupon is not None and not hasattr(coupon, "refund_key"):
        # One per page shown: the form sent twice refunds once.
        coupon.refund_key = secrets.token_urlsafe(16)
    return coupon


def _confirmed_pks(rows) -> tuple[int, ...]:
    items = getattr(rows, "items", rows)
    if not isinstance(items, list | tuple):
        return ()  # not a page of rows (a queryset is not read again here)
    return tuple(
        sorted(
            {
                row.pk
                for row in items
                if getattr(row, "status", None) == CONFIRMED and row.pk is not None
            }
        )
    )
