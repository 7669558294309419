"""The operator's merchants over the API: a new one with its owner, and
switching a shop off and on again."""

from __future__ import annotations

from ninja import Router, Schema, Status

from groupbuy.core.api_types import JsonBool
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
