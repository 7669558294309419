"""Refunds written by the release before refunds of some units, while this
one was being deployed (coupons 0017 applied, the old code still serving).

The old code refunded a coupon's every unit left under the key
``coupons.refund_unused:<serial>`` and saved a row that names neither that key
(``escrow_key`` took its ``db_default``, "") nor its units on the coupon
(``refunded_quantity`` stayed 0, though the coupon was revoked). It only ever
made a coupon's first refund (it answered an earlier one instead), so the key
is known. The statement reads such a row by that key already
(``statements.totals.escrow_key``); this job writes it down, and the units, so
every other reader (the shopper's pages, the stations' sync) agrees.
"""

from __future__ import annotations

from django.db import transaction

from groupbuy.core.audit import audit_log
from groupbuy.coupons.models import Coupon, CouponRefund
from groupbuy.coupons.services.refunding import refund_key

BATCH_SIZE = 500  # a run fills at most this many; the next run goes on


def coupon_refunds_fill_keys(*, batch_size: int = BATCH_SIZE) -> int:
    """Give each refund saved without an escrow key its key, and its coupon
    the units it refunded; return how many were filled. Repeat-safe: a refund
    with a key is never touched again."""
    missing = CouponRefund.objects.filter(escrow_key="").order_by("pk")
    pks = list(missing.values_list("pk", flat=True)[:batch_size])
    return sum(_fill(pk) for pk in pks)


def _fill(refund_pk: int) -> int:
    with transaction.atomic():
        # The coupon's row first, as the refund services lock it.
        coupon_pk = (
            CouponRefund.objects.filter(pk=refund_pk)
            .values_list("coupon_id", flat=True)
            .first()
        )
        coupon = Coupon.objects.select_for_update().filter(pk=coupon_pk).first()
        refund = (
            CouponRefund.objects.select_for_update()
            .filter(pk=refund_pk, escrow_key="")
            .first()
        )
        if coupon is None or refund is None:
            return 0  # filled by a run at the same time
        # Never more than the coupon had not redeemed (as 0017 counted the
        # refunds made before it), so coupons_never_over_redeemed holds.
        units = min(refund.quantity, coupon.quantity - coupon.redeemed_quantity)
        refund.escrow_key = refund_key(coupon)
        refund.save(update_fields=["escrow_key"])
        Coupon.objects.filter(pk=coupon.pk, refunded_quantity__lt=units).update(
            refunded_quantity=units
        )
        audit_log(
            actor=None,
            action="coupons.coupon.refund_key_filled",
            obj=coupon,
            data={"escrow_key": refund.escrow_key, "refunded_quantity": units},
        )
    return 1
