"""{% refundable_coupon order as coupon %}: the coupon of a confirmed order
with units left to refund (with ``refundable_fen``), else None."""

from __future__ import annotations

from django import template

from groupbuy.coupons.selectors import refundable_coupons_by_order

register = template.Library()


@register.simple_tag
def refundable_coupon(order):
    # Only a confirmed order has a coupon: one query for those rows only.
    if order.status != "confirmed":
        return None
    return refundable_coupons_by_order(orders=[order]).get(order.pk)
