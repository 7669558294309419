"""A shop's refund of a shopper's coupon."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class MerchantRefundIn(Schema):
    reason: str = Field(
        min_length=1,
        max_length=200,
        description="Why the shop refunds the coupon; the shopper is told.",
    )


class MerchantRefundOut(Schema):
    coupon_id: str
    serial: str
    order_id: str
    quantity: int
    amount_fen: int
    outcome: Literal["refunded", "taken_back"]
    reason: str
    refunded_by: str | None
    refunded_at: datetime
    units_left: int = Field(
        description="The units the coupon has left for the till now; 0 once "
        "its last units were refunded (it is then revoked)."
    )


def merchant_refund_out(refund) -> dict:
    coupon = refund.coupon
    return {
        "coupon_id": coupon.public_id,
        "serial": coupon.serial,
        "order_id": coupon.order.public_id,
        "quantity": refund.quantity,
        "amount_fen": refund.amount_fen,
        "outcome": refund.outcome,
        "reason": refund.reason,
        "refunded_by": refund.refunded_by.public_id if refund.refunded_by else None,
        "refunded_at": refund.refunded_at,
        "units_left": coupon.remaining_quantity,
    }
