"""The refund of some units of an order (``deal_order_refund_units``): its
schemas and its operation."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema

from groupbuy.core.api_types import JsonInt
from groupbuy.core.idempotency import (
    IDEMPOTENCY_KEY_PATTERN,
    idempotency_key_header,
    idempotency_key_sent,
)
from groupbuy.deals import selectors, services
from groupbuy.deals.models import DealOrder
from groupbuy.deals.schemas import MerchantOrderOut, merchant_order_out

router = Router()


class RefundUnitsIn(Schema):
    # The limits of the coupons' refund of units (``CouponRefundUnitsIn``):
    # a malformed count is refused at the edge, naming the field.
    units: JsonInt = Field(
        ge=1, le=10_000, description="How many of the order's paid units."
    )
    # The shop's words to the shopper, quoted in what they are told.
    reason: str = Field(min_length=1, max_length=200)
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per refund (a UUID fits; or the Idempotency-Key "
            "header): sent again with the same request, it answers the first "
            "refund and refunds nothing more; with another order or number of "
            "units, 409 idempotency_key_reused."
        ),
    )


class UnitRefundOut(Schema):
    id: str
    units: int
    amount_fen: int
    reason: str
    refunded_at: datetime
    # The order as it stands after the refund (fewer units, more refunded).
    order: MerchantOrderOut


@router.post("/{deal_id}/orders/{order_id}/refund-units", response=UnitRefundOut)
def deal_order_refund_units(
    request,
    deal_id: str,
    order_id: str,
    payload: RefundUnitsIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Refund some units of a paid order of an open group buy (the shop's
    owners, operators), with a reason the buyer is told; the order keeps its
    other units. More units than it holds is a 409 ``more_than_paid``."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    refund = services.deal_order_refund_units(
        actor=request.auth,
        deal=deal,
        order_id=order_id,
        units=payload.units,
        reason=payload.reason,
        idempotency_key=idempotency_key_sent(request, payload.idempotency_key),
    )
    order = DealOrder.objects.select_related(
        "deal__merchant", "deal__product", "shopper", "payment_intent"
    ).get(pk=refund.order_id)
    return {
        "id": refund.public_id,
        "units": refund.units,
        "amount_fen": refund.amount_fen,
        "reason": refund.reason,
        "refunded_at": refund.created_at,
        "order": merchant_order_out(request, order),
    }
