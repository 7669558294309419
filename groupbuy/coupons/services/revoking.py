"""Operators revoke a coupon, saying why (the console, the API, the admin)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import require_operator
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, Revocation
from groupbuy.coupons.notifications import notify_coupon_revoked_by_operator
from groupbuy.coupons.services.issuing import coupon_revoke

REVOKE_REASON_MAX_CHARS = 200


def coupon_revoke_by_operator(*, actor, coupon: Coupon, reason: str) -> Coupon:
    """Revoke a coupon whose units are still to be used: the till and the
    stations refuse it from now on. ``reason``, the operator's words, is kept
    in the audit; the shopper is told (not why). A coupon already revoked is
    returned as it is; one used up or expired is refused (409
    ``not_revocable``): it has nothing to stop."""
    require_operator(actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the coupon is revoked.")
        raise CouponError("invalid", message, fields={"reason": [message]})
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if coupon.status == Coupon.Status.REVOKED:
            return coupon
        if coupon.shown_status != Coupon.Status.VALID:
            raise CouponError(
                "not_revocable",
                _("This coupon is used up or expired: nothing is left to revoke."),
                status=409,
            )
        coupon = coupon_revoke(
            actor=actor,
            coupon=coupon,
            reason=Revocation.Reason.OPERATOR,
            note=reason[:REVOKE_REASON_MAX_CHARS],
        )
        notify_coupon_revoked_by_operator(coupon)
    return coupon
