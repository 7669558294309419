"""Issue a coupon per confirmed order, seal it to the merchant, revoke it."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from groupbuy.catalog.models import Merchant
from groupbuy.core.audit import audit_log
from groupbuy.coupons import codec
from groupbuy.coupons.live import publish_coupon_state
from groupbuy.coupons.models import (
    Coupon,
    CouponExpiry,
    CouponRefund,
    EarlierCode,
    MerchantKey,
    Revocation,
)
from groupbuy.coupons.notifications import notify_coupon_issued
from groupbuy.coupons.services.keys import (
    merchant_key_active,
    platform_id,
    platform_key_active,
    platform_signing_seed,
)
from groupbuy.deals.models import DealOrder

logger = logging.getLogger(__name__)


def valid_days() -> int:
    return int(getattr(settings, "GROUPBUY_COUPON_VALID_DAYS", 90))


def consumer_ref(user) -> str:
    """A pseudonym for the shopper: stable, meaningless without SECRET_KEY."""
    message = f"coupon-consumer:{user.pk}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[: codec.CONSUMER_REF_BYTES * 2]


def code_digest(text: str) -> str:
    return hashlib.sha256(codec.normalise(text).encode("utf-8")).hexdigest()


def coupon_issue_for_order(*, actor, order: DealOrder) -> Coupon:
    """Issue the order's coupon; issuing again returns the same coupon."""
    existing = _issued(order)
    if existing is not None:
        return existing
    deal = order.deal
    key = platform_key_active()
    now = timezone.now()
    expires_at = now + timedelta(days=valid_days())
    payload = codec.Coupon(
        platform_id=platform_id(),
        key_id=key.key_id,
        serial=codec.new_serial(),
        merchant_id=deal.merchant.public_id,
        product_id=deal.product.public_id,
        consumer_ref=consumer_ref(order.shopper),
        quantity=order.quantity,
        not_before=int(now.timestamp()),
        expires=int(expires_at.timestamp()),
    )
    try:
        return _issue(
            actor=actor,
            order=order,
            key=key,
            payload=payload,
            not_before=now,
            expires_at=expires_at,
        )
    except IntegrityError:
        # Another process issued it between the look-up and the insert (the
        # settlement's job beside `groupbuy load_demo`, or two jobs): that one
        # stands, as for any second call.
        existing = _issued(order)
        if existing is None:
            raise
        return existing


def _issued(order: DealOrder) -> Coupon | None:
    return Coupon.objects.filter(order=order).first()


def _issue(
    *, actor, order: DealOrder, key, payload: codec.Coupon, not_before, expires_at
) -> Coupon:
    deal = order.deal
    with transaction.atomic():
        coupon = Coupon(
            serial=payload.serial,
            order=order,
            merchant=deal.merchant,
            shopper=order.shopper,
            quantity=order.quantity,
            unit_price_fen=order.final_unit_price_fen or order.unit_price_cap_fen,
            platform_key=key,
            signed=codec.sign(payload, platform_signing_seed(key)),
            not_before=not_before,
            expires_at=expires_at,
        )
        _seal(coupon, merchant_key_active(merchant=deal.merchant))
        coupon.save()
        audit_log(
            actor=actor,
            action="coupons.coupon.issued",
            obj=coupon,
            data={
                "order": order.public_id,
                "serial": coupon.serial,
                "quantity": coupon.quantity,
                "key_id": key.key_id,
            },
        )
        notify_coupon_issued(coupon)
    return coupon


def _seal(coupon: Coupon, merchant_key: MerchantKey | None) -> None:
    coupon.merchant_key = merchant_key
    if merchant_key is None:
        coupon.code, coupon.code_digest = "", None
        return
    sealed = codec.seal(bytes(coupon.signed), bytes(merchant_key.public_key))
    coupon.code = codec.to_text(sealed)
    coupon.code_digest = code_digest(coupon.code)


def _keep_earlier_code(coupon: Coupon) -> None:
    if coupon.code_digest and coupon.merchant_key_id:
        EarlierCode.objects.get_or_create(
            code_digest=coupon.code_digest,
            defaults={"coupon": coupon, "merchant_key_id": coupon.merchant_key_id},
        )


def coupons_reseal_for_merchant(*, actor, merchant: Merchant) -> int:
    """Seal the merchant's open coupons to its active key; return how many.

    Called when a key is registered: coupons issued before the merchant had a
    key get their code, and older codes move to the new key. The code each had
    is kept (its digest, ``EarlierCode``): a shopper's screenshot or printed
    coupon still redeems online.
    """
    key = merchant_key_active(merchant=merchant)
    if key is None:
        return 0
    count = 0
    with transaction.atomic():
        open_coupons = Coupon.objects.select_for_update().filter(
            merchant=merchant, status=Coupon.Status.VALID
        )
        for coupon in open_coupons.exclude(merchant_key=key).order_by("pk"):
            _keep_earlier_code(coupon)
            _seal(coupon, key)
            coupon.save(update_fields=["merchant_key", "code", "code_digest"])
            count += 1
        if count:
            audit_log(
                actor=actor,
                action="coupons.coupon.resealed",
                obj=key,
                data={"coupons": count},
            )
    return count


def coupon_revoke(*, actor, coupon: Coupon, reason: str, note: str = "") -> Coupon:
    """Revoke a coupon (its order was cancelled or refunded, or an operator
    revoked it); repeat-safe. ``reason`` is the code stations are given;
    ``note`` an operator's words, kept in the audit. Its shopper's open coupon
    page is told once this commits, so it stops showing a code the till now
    refuses."""
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if coupon.status == Coupon.Status.REVOKED:
            return coupon
        coupon.status = Coupon.Status.REVOKED
        coupon.revoked_at = timezone.now()
        coupon.save(update_fields=["status", "revoked_at"])
        Revocation.objects.create(
            coupon=coupon,
            merchant=coupon.merchant,
            serial=coupon.serial,
            reason=reason[:40],
        )
        audit_log(
            actor=actor,
            action="coupons.coupon.revoked",
            obj=coupon,
            data={
                "reason": reason,
                "redeemed_quantity": coupon.redeemed_quantity,
                **({"note": note} if note else {}),
            },
        )
        publish_coupon_state(coupon)
    return coupon


def coupon_revoke_for_order(*, actor, order: DealOrder, reason: str) -> Coupon | None:
    """Revoke the coupon of ``order``, which left its deal cancelled or refunded.

    A coupon whose own refund or expiry gave its money back (and so refunded
    the order, ``deal_order_units_refunded``) is left as that made it: revoked
    with its own reason, or expired."""
    coupon = Coupon.objects.filter(order=order).first()
    if coupon is None:
        return None
    refunded = CouponRefund.objects.filter(coupon=coupon).exists()
    if refunded and coupon.status != Coupon.Status.VALID:
        return coupon  # its last units' refund revoked it (some: still valid)
    if CouponExpiry.objects.filter(coupon=coupon).exists():
        return coupon
    return coupon_revoke(actor=actor, coupon=coupon, reason=reason)
