"""The operator's merchants over the API: a new one with its owner, and
switching a shop off and on again."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from groupbuy.core.api_types import JsonBool
from groupbuy.ops.api_operator.lookup import OperatorMerchantOwnerRow, owner_row
from groupbuy.ops.onboarding import merchant_onboard, owners_other_merchants
from groupbuy.ops.selectors import merchant_standing_for_operator
from groupbuy.ops.shop_switching import merchant_switch_off, merchant_switch_on

router = Router()  # tagged "operator" where the package mounts it


class OperatorMerchantIn(Schema):
    name: str
    name_en: str = ""
    owner_phone: str
    # Create it even though an active merchant has this name (else 409).
    allow_same_name: JsonBool = False


class OperatorMerchantRef(Schema):
    merchant_id: str
    name: str


class OperatorMerchantOnboardedOut(Schema):
    merchant_id: str
    name: str
    owner_invited: bool
    # An existing account named as owner: the shops they already own too.
    owner_other_merchants: list[OperatorMerchantRef]


@router.post("/merchants", response={201: OperatorMerchantOnboardedOut})
def merchant_new(request, payload: OperatorMerchantIn):
    """Create a merchant with its owner, or an SMS invitation for the owner."""
    merchant, invitation = merchant_onboard(
        actor=request.auth,
        name=payload.name,
        name_en=payload.name_en,
        owner_phone=payload.owner_phone,
        allow_same_name=payload.allow_same_name,
    )
    others = owners_other_merchants(merchant=merchant)
    return Status(
        201,
        {
            "merchant_id": merchant.public_id,
            "name": merchant.name,
            "owner_invited": invitation is not None,
            "owner_other_merchants": [
                {"merchant_id": other.public_id, "name": other.name} for other in others
            ],
        },
    )


class OperatorMerchantSwitchOffIn(Schema):
    # The shop's owners read it in their inbox (at most 200 characters).
    reason: str


class OperatorMerchantSwitchOnIn(Schema):
    # Switch it on even though another active shop took its name meanwhile
    # (else 409 merchant_exists).
    allow_same_name: JsonBool = False


class OperatorMerchantStateOut(Schema):
    merchant_id: str
    name: str
    is_active: bool
    # Its group buys still open: they take no joins while the shop is off.
    open_deals: int


def _merchant_state(request, merchant) -> dict:
    standing = merchant_standing_for_operator(
        user=request.auth, merchant_id=merchant.public_id
    )
    return {
        "merchant_id": merchant.public_id,
        "name": merchant.name,
        "is_active": merchant.is_active,
        "open_deals": standing.open_deals,
    }


@router.post("/merchants/{merchant_id}/switch-off", response=OperatorMerchantStateOut)
def merchant_off(request, merchant_id: str, payload: OperatorMerchantSwitchOffIn):
    """Switch a misbehaving shop off: it opens no group buys and its open ones
    take no new joins; its owners read the reason. Sent again, nothing changes."""
    merchant = merchant_switch_off(
        actor=request.auth, merchant_id=merchant_id, reason=payload.reason
    )
    return _merchant_state(request, merchant)


@router.post("/merchants/{merchant_id}/switch-on", response=OperatorMerchantStateOut)
def merchant_on(request, merchant_id: str, payload: OperatorMerchantSwitchOnIn):
    """Switch a shop on again; its owners are told. Sent again, nothing changes."""
    merchant = merchant_switch_on(
        actor=request.auth,
        merchant_id=merchant_id,
        allow_same_name=payload.allow_same_name,
    )
    return _merchant_state(request, merchant)


class OperatorMerchantStandingOut(Schema):
    """A shop as the operator's page of it shows it, before switching it."""

    merchant_id: str
    name: str
    name_en: str
    is_active: bool
    owners: list[OperatorMerchantOwnerRow]
    # Its group buys still open, and their paid orders: what stays to be
    # settled or refunded once the shop is off.
    open_deals: int
    paid_orders: int
    # While it is off: when an operator switched it off and the reason its
    # owners read, in the operator's words (null and "" while it is on).
    switched_off_at: datetime | None
    switched_off_reason_text: str


@router.get("/merchants/{merchant_id}", response=OperatorMerchantStandingOut)
def merchant_standing(request, merchant_id: str):
    """Return a shop with its owners (phones masked) and what still runs: its
    open group buys and their paid orders, and while it is off, when and why it
    was switched off (operators only)."""
    standing = merchant_standing_for_operator(
        user=request.auth, merchant_id=merchant_id
    )
    merchant, switched_off = standing.merchant, standing.switched_off
    return {
        "merchant_id": merchant.public_id,
        "name": merchant.name,
        "name_en": merchant.name_en,
        "is_active": merchant.is_active,
        "owners": [owner_row(owner) for owner in standing.owners],
        "open_deals": standing.open_deals,
        "paid_orders": standing.paid_orders,
        "switched_off_at": switched_off.created_at if switched_off else None,
        "switched_off_reason_text": switched_off.data.get("reason", "")
        if switched_off
        else "",
    }
