"""A shopper's coupon: its code, units, refunds and redemptions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import answer_choices
from groupbuy.core.pagination import PageOut
from groupbuy.coupons.models import Coupon

# What a coupon's code is in an answer (``coupon_code_state``).
CODE_STATES = ("shown", "awaiting_till", "not_redeemable")


class CouponRefundOut(Schema):
    quantity: int
    amount_fen: int
    outcome: Literal["refunded", "taken_back"] = Field(
        description="Refunded from the shop's pending earnings, or taken back "
        "from what the shop had been paid: either way it goes back to the shopper."
    )
    refunded_at: datetime
    refunded_by: Literal["shopper", "shop"] = Field(
        description="Who refunded these units: the coupon's shopper, or the shop "
        "(its owner, with a reason)."
    )
    reason: str = Field(
        default="", description="The shop's reason, when the shop refunded it."
    )


class CouponOut(Schema):
    coupon_id: str
    serial: str
    status: str = answer_choices(Coupon.Status)
    quantity: int
    redeemed_quantity: int
    refunded_quantity: int = Field(
        description="Units refunded unused (``refunds``): no till takes them."
    )
    remaining_quantity: int = Field(
        description="Units a till may still take: neither redeemed nor refunded."
    )
    refunded_fen: int = Field(
        description="What this coupon's refunds gave back, all of them (fen)."
    )
    refunds: list[CouponRefundOut] = Field(
        description="Every refund of this coupon's unused units, oldest first: "
        "some of them at a time (POST …/refund-units), or all that were left."
    )
    code: str | None = Field(
        description="The code to show at the till; null once the coupon cannot "
        "be redeemed (used up, revoked or refunded, expired) and before the shop "
        "has set up its till: a code is sealed to the shop's coupon key, which "
        "the shop makes when it sets up its till, and the coupon gets its code "
        "then, with nothing asked of the shopper (``code_state``)."
    )
    code_state: str = answer_choices(
        CODE_STATES,
        description="Why ``code`` is what it is: ``shown``; ``awaiting_till``, "
        "null until the shop sets up its till (show ``code_note``); "
        "``not_redeemable``, null for good (``status`` says why).",
    )
    code_note: str = Field(
        description="What to show the shopper in the code's place while "
        "``code_state`` is ``awaiting_till``, in the reader's language (\"Your "
        "coupon will appear here as soon as the merchant has set up its "
        'till."); "" otherwise.'
    )
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    product_name: str = Field(
        description="The product's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    order_id: str
    expires_at: datetime


class CouponRedemptionOut(Schema):
    redeemed_at: datetime
    quantity: int
    branch_id: str | None
    branch_name: str = Field(
        description="The branch's name in the reader's language, \"\" for none."
    )


class CouponUnitsHeldOut(Schema):
    redeemed_at: datetime
    quantity: int
    branch_id: str | None
    branch_name: str = Field(
        description="The branch's name in the reader's language, \"\" for none."
    )


class CouponDetailOut(CouponOut):
    # When, where and how many units were redeemed, oldest first.
    redemptions: list[CouponRedemptionOut]
    refundable_fen: int = Field(
        description="What POST /api/coupons/{coupon_id}/refund would give back "
        "now: the unused units' price; 0 when this coupon cannot be refunded "
        "(used up, expired, revoked, or a deal whose terms refuse refunds)."
    )
    refund: CouponRefundOut | None = Field(
        description="The refund that refunded this coupon's last unused units "
        "(and so revoked it), once made; null while units are left."
    )
    units_held: list[CouponUnitsHeldOut] = Field(
        description="Units a shop's station handed over at a branch that had "
        "closed, oldest first: taken off the coupon (counted in "
        "redeemed_quantity) but not among its redemptions, awaiting the shop's "
        "review. Given to the coupon's shopper and the shop only."
    )


def coupon_refund_out(refund) -> dict:
    return {
        "quantity": refund.quantity,
        "amount_fen": refund.amount_fen,
        "outcome": refund.outcome,
        "refunded_at": refund.refunded_at,
        "refunded_by": "shop" if refund.is_by_shop else "shopper",
        "reason": refund.reason,
    }


def coupon_detail_out(coupon: Coupon, redemptions, *, units_held) -> dict:
    from groupbuy.coupons.services.refunding import refund_offer_fen

    refund = getattr(coupon, "refund", None)
    return {
        **coupon_out(coupon),
        "refundable_fen": refund_offer_fen(coupon),
        "refund": refund and coupon_refund_out(refund),
        "redemptions": [
            {
                "redeemed_at": redemption.redeemed_at,
                "quantity": redemption.quantity,
                "branch_id": redemption.branch.public_id if redemption.branch else None,
                "branch_name": redemption.branch.display_name
                if redemption.branch
                else "",
            }
            for redemption in redemptions
        ],
        "units_held": [
            {
                "redeemed_at": held.redeemed_at,
                "quantity": held.quantity,
                "branch_id": held.branch.public_id if held.branch else None,
                "branch_name": held.branch.display_name if held.branch else "",
            }
            for held in units_held
        ],
    }


class CouponPageOut(PageOut):
    items: list[CouponOut]


def coupon_code_state(coupon: Coupon) -> str:
    if coupon.code_to_show:
        return "shown"
    if coupon.shown_status == Coupon.Status.VALID:
        # valid but not sealed yet: the shop has no coupon key (its till)
        return "awaiting_till"
    return "not_redeemable"


def coupon_out(coupon: Coupon) -> dict:
    deal = coupon.order.deal
    code_state = coupon_code_state(coupon)
    return {
        "coupon_id": coupon.public_id,
        "serial": coupon.serial,
        "status": coupon.shown_status.value,
        "quantity": coupon.quantity,
        "redeemed_quantity": coupon.redeemed_quantity,
        "refunded_quantity": coupon.refunded_quantity,
        "remaining_quantity": coupon.remaining_quantity,
        "refunded_fen": coupon.refunded_fen,
        "refunds": [coupon_refund_out(r) for r in coupon.refunds.all()],
        "code": coupon.code_to_show,
        "code_state": code_state,
        "code_note": _(
            "Your coupon will appear here as soon as the merchant has set up its till."
        )
        if code_state == "awaiting_till"
        else "",
        "merchant_id": coupon.merchant.public_id,
        "merchant_name": coupon.merchant.display_name,
        "product_name": deal.product.name,
        "order_id": coupon.order.public_id,
        "expires_at": coupon.expires_at,
    }
