"""Shapes of the coupons API."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from groupbuy.core.api_types import JsonBool, JsonInt, answer_choices
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.pagination import PageOut
from groupbuy.coupons.models import (
    Coupon,
    Redemption,
    RedemptionConflict,
    Revocation,
)

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


def _key_bytes(value: str) -> bytes:
    # Raised while the request's language is active: the API shows the message
    # as is under the field (core.validation_messages).
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as error:
        raise ValueError(_("The public key must be Base64 text.")) from error
    if len(raw) != 32:
        raise ValueError(
            _("The public key must be 32 bytes long (44 characters of Base64).")
        )
    return raw


class KeyRegisterIn(Schema):
    public_key: str = Field(description="X25519 public key, Base64")
    signing_public_key: str = Field(description="Ed25519 public key, Base64")
    device_name: str = Field(default="", max_length=80)
    replace_current: JsonBool = Field(
        default=False,
        description="Replace the shop's current key (every station set up with "
        "it stops until set up again); without it a shop that has a key is "
        "answered 409 key_exists.",
    )

    @field_validator("public_key", "signing_public_key")
    @classmethod
    def _is_key(cls, value: str) -> str:
        _key_bytes(value)
        return value


class KeyGenerateIn(Schema):
    replace_current: JsonBool = Field(
        default=False,
        description="Replace the shop's current key; without it a shop that has "
        "a key is answered 409 key_exists.",
    )


class KeyFileOut(Schema):
    """The key file ``keys/generate`` answers once, as a JSON attachment: the
    private halves are never stored, so keep it (``groupbuy station init
    --key-file FILE`` reads it)."""

    kind: Literal["groupbuy-merchant-coupon-key"]
    merchant_id: str
    key_id: str
    sealing_private_key: str = Field(description="Base64 of the X25519 private key.")
    signing_private_key: str = Field(description="Base64 of the Ed25519 private key.")


class KeyOut(Schema):
    key_id: str
    origin: str
    device_name: str
    resealed: int = 0


class PlatformKeyOut(Schema):
    platform_id: str
    key_id: int
    public_key: str
    valid_until: datetime | None


class RevocationOut(Schema):
    id: int
    serial: str
    reason: str = answer_choices(Revocation.Reason)


class UnitRefundSyncOut(Schema):
    id: int
    serial: str
    units: int = Field(
        description="The units of this coupon refunded so far (not this refund's "
        "alone): a station takes no more than its quantity less these."
    )


class CouponBranchOut(Schema):
    branch_id: str
    name: str
    offline_enabled: bool


class SyncBranchOut(CouponBranchOut):
    # A closed branch is listed too, so that its station stops redeeming.
    is_active: bool


class SyncOut(Schema):
    merchant_id: str
    # The site's display zone (IANA name), in which the station writes days.
    time_zone: str
    merchant_key_id: str | None
    # The active key's X25519 public half (Base64): a station set up before it
    # kept its key's id tells by it whether its key was replaced.
    merchant_public_key: str | None
    platform_keys: list[PlatformKeyOut]
    revocations: list[RevocationOut]
    revocations_cursor: int
    # Refunds of some of a valid coupon's units, after ``unit_refunds_after``.
    unit_refunds: list[UnitRefundSyncOut] = []
    unit_refunds_cursor: int = 0
    has_more: bool
    branches: list[SyncBranchOut]


class BatchOut(Schema):
    batch_id: str
    accepted: int
    conflicts: int
    rejected: int
    device: str
    # The same file uploaded again: this is its first import, unchanged.
    already_imported: bool = False
    uploaded_at: datetime


class BatchUploaderOut(Schema):
    user_id: str
    display_name: str


class BatchSummaryOut(Schema):
    batch_id: str
    device: str
    accepted: int
    conflicts: int
    rejected: int
    uploaded_at: datetime
    # None once the uploader's account is gone.
    uploaded_by: BatchUploaderOut | None


class BatchPageOut(PageOut):
    items: list[BatchSummaryOut]


def batch_summary_out(batch) -> dict:
    uploader = batch.uploaded_by
    return {
        "batch_id": batch.public_id,
        "device": batch.device,
        "accepted": batch.accepted,
        "conflicts": batch.conflicts,
        "rejected": batch.rejected,
        "uploaded_at": batch.uploaded_at,
        "uploaded_by": {
            "user_id": uploader.public_id,
            "display_name": uploader.display_name,
        }
        if uploader
        else None,
    }


class ConflictOut(Schema):
    serial: str
    coupon_id: str
    quantity: int
    reason: str = answer_choices(RedemptionConflict.Reason)
    device: str
    branch_name: str
    redeemed_at: datetime
    batch_id: str
    # Set when the redemption had counted and an earlier one superseded it.
    superseded_at: datetime | None = None


class ConflictPageOut(PageOut):
    items: list[ConflictOut]


def conflict_out(conflict) -> dict:
    return {
        "serial": conflict.coupon.serial,
        "coupon_id": conflict.coupon.public_id,
        "quantity": conflict.quantity,
        "reason": conflict.reason,
        "device": conflict.device,
        "branch_name": conflict.branch_name,
        "redeemed_at": conflict.redeemed_at,
        "batch_id": conflict.batch.public_id,
        "superseded_at": conflict.superseded_at,
    }


class BatchDetailOut(BatchSummaryOut):
    # The batch's lines (a cashier limited to one branch: that branch's):
    # the redemptions it recorded and the claims that did not count.
    redemptions: list[RedemptionOut]
    conflict_lines: list[ConflictOut]
    refused_lines: list[ConflictOut] = Field(
        description="Lines counted in rejected that are kept for people to "
        "settle: those signed after the station's key was replaced "
        "(reason key_replaced). Other refused lines (unknown or other shops' "
        "coupons) are only counted."
    )


class StatementDayOut(Schema):
    day: date
    # coupon units redeemed that day (in the site's time zone), deals paid at
    # close included; what those redemptions settled, and the platform's fee
    units: int
    settled_fen: int
    fee_fen: int


class StatementRefundOut(Schema):
    """A valid coupon's unused units refunded in the period (the shopper's or
    the shop's own refund): ``taken_back_fen`` is what it took from the
    merchant's balance (0 for money refunded from merchant-pending)."""

    coupon_id: str
    serial: str
    quantity: int
    amount_fen: int
    outcome: Literal["refunded", "taken_back"]
    taken_back_fen: int
    refunded_at: datetime


class StatementExpiryOut(Schema):
    """A coupon that expired unredeemed, settled in the period: ``amount_fen``
    is its unredeemed units' price, ``taken_back_fen`` what it took from the
    merchant's balance (the ``taken_back`` outcome; 0 otherwise)."""

    coupon_id: str
    serial: str
    quantity: int
    amount_fen: int
    outcome: Literal[
        "refunded", "taken_back", "paid_merchant", "paid_at_close", "nothing_left"
    ]
    taken_back_fen: int
    settled_at: datetime


class StatementOut(Schema):
    start: date
    end: date
    # Redemptions that settled now (deals settled on redemption).
    redeemed_fen: int
    # Redemptions of deals that paid the merchant at close: listed, not counted.
    paid_at_close_fen: int = 0
    # Coupons that expired unredeemed and were paid to the merchant.
    expiry_paid_fen: int = 0
    # The platform's fee on redeemed_fen and expiry_paid_fen.
    fee_fen: int
    # The merchant's part of what was taken back for coupons of deals paid at
    # close that expired under "refund the shopper" or were refunded unused
    # (the platform returned its own fee): net_fen is redeemed_fen +
    # expiry_paid_fen - fee_fen - taken_back_fen.
    taken_back_fen: int = 0
    net_fen: int
    # One page of the period's redemptions (the totals count them all).
    redemptions: list[RedemptionOut]
    redemptions_page: PageOut
    # One page of the coupons refunded unused in the period, by when (the
    # ``refunds_page`` asked, of ``page_size``), and where it sits.
    refunds: list[StatementRefundOut] = []
    refunds_page: PageOut
    # One page of the coupons that expired unredeemed and were settled in the
    # period, by when (``expiries_page``, of ``page_size``), and where it sits.
    expiries: list[StatementExpiryOut] = []
    expiries_page: PageOut
    conflicts: int
    # every day of the period, as the statement page charts them
    days: list[StatementDayOut] = []


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


class OfflineIn(Schema):
    offline_enabled: JsonBool


class TermsIn(Schema):
    expiry_rule: Literal["refund_shopper", "pay_merchant"] | None = Field(
        default=None,
        description="What happens to coupons that expire unredeemed; "
        "left as it is when not given.",
    )
    unused_refundable: JsonBool | None = Field(
        default=None,
        description="Whether shoppers may refund unused coupons before they "
        "expire (the default). Once buyers have paid it can be turned on but "
        "not off (409 refund_promised). Left as it is when not given.",
    )


class TermsOut(Schema):
    deal_id: str
    expiry_rule: str
    unused_refundable: bool
