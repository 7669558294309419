"""A shopper's own coupons: list them, show one, refund its unused units."""

from __future__ import annotations

from ninja import Query, Router

from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.coupons import selectors, services
from groupbuy.coupons.schemas import (
    CouponDetailOut,
    CouponPageOut,
    coupon_detail_out,
    coupon_out,
)

router = Router()


@router.get("/mine", response=CouponPageOut)
def my_coupons(request, paging: Query[PageIn]):
    """My coupons, newest first, each with its code to show at the till (paged)."""
    result = paginate(
        selectors.coupon_list_for_shopper(user=request.auth),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [coupon_out(c) for c in result.items])


@router.get("/{coupon_id}", response=CouponDetailOut)
def coupon_detail(request, coupon_id: str):
    """One of my coupons, with when and where its units were redeemed (and
    those a station handed over at a closed branch, awaiting the shop's
    review)."""
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    return coupon_detail_answer(request, coupon)


def coupon_detail_answer(request, coupon) -> dict:
    return coupon_detail_out(
        coupon,
        selectors.coupon_redemptions(coupon=coupon),
        units_held=selectors.coupon_units_held(user=request.auth, coupon=coupon),
    )


@router.post("/{coupon_id}/refund", response=CouponDetailOut)
def refund_unused(request, coupon_id: str):
    """Refund my coupon's unused units before it expires (随时退): their price
    goes back the way I paid and the coupon's code stops working at every till.
    Asking again answers the same refund."""
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    services.coupon_refund_unused(actor=request.auth, coupon=coupon)
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    return coupon_detail_answer(request, coupon)
