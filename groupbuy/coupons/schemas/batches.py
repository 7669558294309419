"""A station's uploaded batch of offline redemptions, and its claims that
did not count."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import answer_choices
from groupbuy.core.pagination import PageOut
from groupbuy.coupons.models import Redemption, RedemptionConflict
from groupbuy.coupons.schemas.redemptions import RedemptionOut


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
    amount_at_stake_fen: int = Field(
        description="What the claim's units are worth at the coupon's price: "
        "the money it would have settled to the shop had it counted (it settled "
        "nothing)."
    )
    reason: str = answer_choices(RedemptionConflict.Reason)
    device: str
    branch_name: str
    cashier_name: str = Field(description="The cashier the station named.")
    redeemed_at: datetime
    batch_id: str
    # Set when the redemption had counted and an earlier one superseded it.
    superseded_at: datetime | None = None


class CountedRedemptionOut(Schema):
    redemption_id: str
    quantity: int
    channel: str = answer_choices(Redemption.Channel)
    branch_name: str = Field(description='Its branch\'s name; "" for none.')
    redeemed_at: datetime


class ConflictDetailOut(ConflictOut):
    counted_redemption: CountedRedemptionOut | None = Field(
        description="The coupon's latest redemption that counts (online, or "
        "offline and earliest by the stations' times): the one that took its "
        "last units; null when none counts (a coupon expired, cancelled or "
        "refunded before any was)."
    )


class ConflictPageOut(PageOut):
    items: list[ConflictDetailOut]


def conflict_out(conflict) -> dict:
    return {
        "serial": conflict.coupon.serial,
        "coupon_id": conflict.coupon.public_id,
        "quantity": conflict.quantity,
        "amount_at_stake_fen": conflict.amount_at_stake_fen,
        "reason": conflict.reason,
        "device": conflict.device,
        "branch_name": conflict.branch_name,
        "cashier_name": conflict.cashier_name,
        "redeemed_at": conflict.redeemed_at,
        "batch_id": conflict.batch.public_id,
        "superseded_at": conflict.superseded_at,
    }


def conflict_detail_out(conflict) -> dict:
    """``conflict_out`` with its coupon's counted redemption (the conflict has
    been through ``selectors.conflicts_with_counted_redemptions``)."""
    counted = conflict.counted_redemption
    return {
        **conflict_out(conflict),
        "counted_redemption": {
            "redemption_id": counted.public_id,
            "quantity": counted.quantity,
            "channel": counted.channel,
            "branch_name": counted.branch.name if counted.branch else "",
            "redeemed_at": counted.redeemed_at,
        }
        if counted
        else None,
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
