"""What a shop's offline station syncs: revocations, unit refunds, branches and keys."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import answer_choices
from groupbuy.coupons.models import Revocation
from groupbuy.coupons.schemas.keys import PlatformKeyOut


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
