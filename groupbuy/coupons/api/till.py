"""The shop's counter: redeem a code, list the redemptions and the offline
ones that did not count, and refund a coupon (owners)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from groupbuy.core.errors import fields_renamed
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.coupons import selectors, services
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.schemas import (
    ConflictPageOut,
    MerchantRefundIn,
    MerchantRefundOut,
    RedeemIn,
    RedemptionOut,
    RedemptionPageOut,
    conflict_detail_out,
    merchant_refund_out,
    redemption_out,
)

router = Router()


def staff_merchant(request, merchant_id: str):
    return selectors.merchant_get_for_staff(user=request.auth, public_id=merchant_id)


@router.post("/merchants/{merchant_id}/redeem", response=RedemptionOut)
def redeem(
    request,
    merchant_id: str,
    payload: RedeemIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Redeem a scanned or typed code at the till: one unit unless ``quantity``.
    Without ``branch_id`` it is redeemed at the shop's only open branch; a shop
    with more than one must name it (400 ``branch_required``). A cashier
    limited to one branch redeems there: without ``branch_id`` at that branch,
    and another branch is refused 403 ``not_your_branch``. With an
    ``idempotency_key`` (or an ``Idempotency-Key`` header) the same request
    sent again answers the redemption the first one made, 200, and takes
    nothing more."""
    merchant = staff_merchant(request, merchant_id)
    branch = None
    if payload.branch_id:
        branch = merchant.branches.filter(public_id=payload.branch_id).first()
        if branch is None:
            why = _("No such branch.")
            raise CouponError("bad_branch", why, fields={"branch_id": [why]})
    with fields_renamed({"branch": "branch_id"}):
        redemption = services.coupon_redeem_online(
            actor=request.auth,
            merchant=merchant,
            code=payload.code,
            branch=branch,
            quantity=payload.quantity,
            idempotency_key=idempotency_key_sent(request, payload.idempotency_key)
            or None,
        )
    return redemption_out(redemption)


@router.get("/merchants/{merchant_id}/redemptions", response=RedemptionPageOut)
def redemptions(request, merchant_id: str, paging: Query[PageIn]):
    """The merchant's redemptions, newest first (paged); a cashier limited to
    one branch gets that branch's."""
    merchant = staff_merchant(request, merchant_id)
    result = paginate(
        selectors.redemptions_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [redemption_out(r) for r in result.items])


@router.get("/merchants/{merchant_id}/conflicts", response=ConflictPageOut)
def conflicts(request, merchant_id: str, paging: Query[PageIn]):
    """Offline redemptions that did not count, newest first (paged): the
    coupon, where and when the station redeemed it, the money at stake and the
    coupon's redemption that counted instead. A cashier limited to one branch
    gets that branch's."""
    merchant = staff_merchant(request, merchant_id)
    result = paginate(
        selectors.conflicts_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    items = selectors.conflicts_with_counted_redemptions(result.items)
    return page_payload(result, [conflict_detail_out(c) for c in items])


@router.post(
    "/merchants/{merchant_id}/coupons/{coupon_id}/refund", response=MerchantRefundOut
)
def merchant_refund(
    request, merchant_id: str, coupon_id: str, payload: MerchantRefundIn
):
    """Owners refund a coupon's unused units, whatever the deal's terms, with a
    reason the shopper is told; 409 ``merchant_paid_out`` when the balance
    cannot cover it (nothing changes). Asking again answers the same refund."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    coupon = selectors.coupon_get_for_merchant_owner(
        user=request.auth, merchant=merchant, coupon_id=coupon_id
    )
    refund = services.coupon_refund_by_merchant(
        actor=request.auth, coupon=coupon, reason=payload.reason
    )
    return merchant_refund_out(refund)
