"""What a shop's coupons promise (owners): where they may be redeemed
offline, and what happens to those of a deal left unused."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from groupbuy.coupons import selectors, services
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.schemas import CouponBranchOut, OfflineIn, TermsIn, TermsOut

router = Router()


@router.post(
    "/merchants/{merchant_id}/branches/{branch_id}/offline", response=CouponBranchOut
)
def branch_offline(request, merchant_id: str, branch_id: str, payload: OfflineIn):
    """Owners allow or forbid offline (station) redemption at a branch."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    branch = merchant.branches.filter(public_id=branch_id, is_active=True).first()
    if branch is None:
        raise CouponError("not_found", _("No such branch."), status=404)
    row = services.branch_offline_set(
        actor=request.auth, branch=branch, enabled=payload.offline_enabled
    )
    return {
        "branch_id": branch.public_id,
        "name": branch.name,
        "offline_enabled": row.offline_enabled,
    }


@router.post("/merchants/{merchant_id}/deals/{deal_id}/terms", response=TermsOut)
def deal_terms(request, merchant_id: str, deal_id: str, payload: TermsIn):
    """Owners state what the deal's coupons promise: what happens to those that
    expire unredeemed, and whether shoppers may refund them unused."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    deal = merchant.deals.filter(public_id=deal_id).first()
    if deal is None:
        raise CouponError("not_found", _("No such deal."), status=404)
    terms = services.deal_coupon_terms_set(
        actor=request.auth,
        deal=deal,
        expiry_rule=payload.expiry_rule,
        unused_refundable=payload.unused_refundable,
    )
    return {
        "deal_id": deal.public_id,
        "expiry_rule": terms.expiry_rule,
        "unused_refundable": terms.unused_refundable,
    }
