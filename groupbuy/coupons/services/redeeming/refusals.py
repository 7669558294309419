"""Why a coupon cannot be redeemed, in the words the till and the coupon page
use: revoked, refunded or cancelled, expired, already used, or its branch
closed."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch
from groupbuy.core.times import format_local_time
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, CouponRefund, Revocation


def branch_closed_refusal(branch: Branch) -> CouponError:
    """The till's branch has closed: the cashier is told to pick where they are."""
    return CouponError(
        "branch_closed",
        _(
            "The branch “%(branch)s” chosen on this till has closed, so coupons "
            "cannot be redeemed there: choose the branch you are at and scan "
            "again."
        )
        % {"branch": branch.display_name},
        status=409,
    )


def _refuse_unusable(coupon: Coupon) -> None:
    if coupon.status == Coupon.Status.REVOKED:
        raise CouponError("revoked", revoked_message(coupon), status=409)
    if coupon.status == Coupon.Status.EXPIRED:
        raise CouponError("expired", expired_message(coupon), status=409)
    if coupon.status == Coupon.Status.REDEEMED:
        raise CouponError(
            "already_redeemed", already_redeemed_message(coupon), status=409
        )


def unusable_message(coupon: Coupon) -> str | None:
    """Say why ``coupon`` cannot be used now, as the till would (None if it can)."""
    status = coupon.shown_status
    if status == Coupon.Status.REVOKED:
        return revoked_message(coupon)
    if status == Coupon.Status.EXPIRED:
        return expired_message(coupon)
    if status == Coupon.Status.REDEEMED:
        return already_redeemed_message(coupon)
    return None


def _local_day(moment: datetime) -> str:
    """``moment``'s day in the site's time zone, in the reader's language."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def expired_message(coupon: Coupon) -> str:
    return _("This coupon expired on %(date)s.") % {
        "date": _local_day(coupon.expires_at)
    }


def revoked_message(coupon: Coupon) -> str:
    """Say what made ``coupon`` unusable and when: refunded (by its shopper or
    the shop), cancelled with its order, or revoked (by an operator)."""
    refund = None
    if coupon.remaining_quantity == 0:  # its last units refunded, not some
        refund = CouponRefund.objects.filter(coupon=coupon).last()
    if refund is not None:
        return _("This coupon was refunded on %(date)s; it cannot be used.") % {
            "date": _local_day(refund.refunded_at)
        }
    date = _local_day(coupon.revoked_at or timezone.now())
    reason = (
        Revocation.objects.filter(coupon=coupon)
        .values_list("reason", flat=True)
        .first()
    )
    if reason == "order_refunded":
        message = _(
            "This coupon was cancelled on %(date)s, as its order was refunded; "
            "it cannot be used."
        )
    elif reason == "order_cancelled":
        message = _(
            "This coupon was cancelled on %(date)s, as its order was cancelled; "
            "it cannot be used."
        )
    else:
        message = _("This coupon was revoked on %(date)s; it cannot be used.")
    return message % {"date": date}


def already_redeemed_message(coupon: Coupon) -> str:
    last = coupon.redemptions.select_related("branch").order_by("-redeemed_at").first()
    if last is None:
        return _("This coupon has already been redeemed.")
    where = last.branch.display_name if last.branch else last.get_channel_display()
    return _("Already redeemed on %(when)s at %(where)s.") % {
        "when": format_local_time(last.redeemed_at),
        "where": where,
    }
