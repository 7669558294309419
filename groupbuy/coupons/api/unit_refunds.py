"""The refunds of some of a coupon's unused units: the shopper's, and the
shop's."""

from __future__ import annotations

from ninja import Field, Router, Schema

from groupbuy.core.api_types import JsonInt
from groupbuy.core.idempotency import (
    IDEMPOTENCY_KEY_PATTERN,
    idempotency_key_header,
    idempotency_key_sent,
)
from groupbuy.coupons import selectors, services
from groupbuy.coupons.api.shopper import coupon_detail_answer
from groupbuy.coupons.schemas import (
    CouponDetailOut,
    MerchantRefundOut,
    merchant_refund_out,
)

_KEY_DESCRIPTION = (
    "A new random key per refund (a UUID fits; or the Idempotency-Key header): "
    "sent again with the same request, it answers the first refund and refunds "
    "nothing more; with another coupon or number of units, 409 "
    "idempotency_key_reused."
)

router = Router()


# Named apart from the deals router's ``RefundUnitsIn`` (a body of its own,
# with a reason), which would otherwise overwrite it in the OpenAPI document.
class CouponRefundUnitsIn(Schema):
    units: JsonInt = Field(
        ge=1, le=10_000, description="How many of the coupon's unused units."
    )
    idempotency_key: str | None = Field(
        default=None, pattern=IDEMPOTENCY_KEY_PATTERN, description=_KEY_DESCRIPTION
    )


class MerchantRefundUnitsIn(CouponRefundUnitsIn):
    reason: str = Field(
        min_length=1,
        max_length=200,
        description="Why the shop refunds these units; the shopper is told.",
    )


@router.post("/{coupon_id}/refund-units", response=CouponDetailOut)
def refund_units(
    request,
    coupon_id: str,
    payload: CouponRefundUnitsIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Refund some of my coupon's unused units (if its deal's terms let me
    refund it): their price goes back the way I paid, and the coupon stays
    valid for the units left (revoked once none are). More units than are
    left is a 409 ``more_than_left``, nothing changed."""
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    services.coupon_refund_unused(
        actor=request.auth,
        coupon=coupon,
        units=payload.units,
        idempotency_key=idempotency_key_sent(request, payload.idempotency_key),
    )
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    return coupon_detail_answer(request, coupon)


@router.post(
    "/merchants/{merchant_id}/coupons/{coupon_id}/refund-units",
    response=MerchantRefundOut,
)
def merchant_refund_units(
    request,
    merchant_id: str,
    coupon_id: str,
    payload: MerchantRefundUnitsIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Owners refund some of a coupon's unused units, whatever the deal's
    terms, with a reason the shopper is told; the coupon stays valid for the
    units left. 409 ``more_than_left`` for more units than are left,
    ``merchant_paid_out`` when the balance cannot cover it (nothing changes)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    coupon = selectors.coupon_get_for_merchant_owner(
        user=request.auth, merchant=merchant, coupon_id=coupon_id
    )
    refund = services.coupon_refund_by_merchant(
        actor=request.auth,
        coupon=coupon,
        reason=payload.reason,
        units=payload.units,
        idempotency_key=idempotency_key_sent(request, payload.idempotency_key),
    )
    return merchant_refund_out(refund)
