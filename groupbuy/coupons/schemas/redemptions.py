"""Redeeming a coupon at the till, and the redemptions it records."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.pagination import PageOut
from groupbuy.coupons.models import Redemption


class RedeemIn(Schema):
    code: str = Field(min_length=1, max_length=2000)
    branch_id: str | None = Field(
        default=None,
        description=(
            "Where the coupon is used. Without it: the shop's only open branch "
            "(a branch cashier's own); a shop with several is 400 branch_required."
        ),
    )
    quantity: JsonInt | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="Units to take: one without it (all that were left until "
        "2026-12-06).",
    )
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per redemption (a UUID fits): sent again with the "
            "same request, it answers the first redemption and redeems nothing."
        ),
    )


class RedemptionOut(Schema):
    redemption_id: str
    coupon_id: str
    serial: str
    quantity: int
    amount_fen: int
    remaining_quantity: int
    channel: str = answer_choices(Redemption.Channel)
    branch_id: str | None
    redeemed_at: datetime


class RedemptionPageOut(PageOut):
    items: list[RedemptionOut]


def redemption_out(redemption: Redemption) -> dict:
    coupon = redemption.coupon
    return {
        "redemption_id": redemption.public_id,
        "coupon_id": coupon.public_id,
        "serial": coupon.serial,
        "quantity": redemption.quantity,
        "amount_fen": redemption.amount_fen,
        "remaining_quantity": coupon.remaining_quantity,
        "channel": redemption.channel,
        "branch_id": redemption.branch.public_id if redemption.branch else None,
        "redeemed_at": redemption.redeemed_at,
    }
