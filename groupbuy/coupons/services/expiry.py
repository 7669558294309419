"""Coupons that expire unredeemed follow the rule stated for their deal."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.coupons.models import Coupon, CouponExpiry, DealCouponTerms, ExpiryRule

logger = logging.getLogger(__name__)
BATCH = 200


def expiry_rule_for(deal) -> str:
    terms = DealCouponTerms.objects.filter(deal=deal).first()
    if terms is not None:
        return terms.expiry_rule
    return getattr(settings, "GROUPBUY_COUPON_EXPIRY_RULE", ExpiryRule.REFUND_SHOPPER)


def deal_coupon_terms_set(*, actor, deal, expiry_rule: str) -> DealCouponTerms:
    from groupbuy.catalog.permissions import require_merchant_owner

    require_merchant_owner(actor, deal.merchant)
    with transaction.atomic():
        terms, _created = DealCouponTerms.objects.update_or_create(
            deal=deal, defaults={"expiry_rule": ExpiryRule(expiry_rule)}
        )
        audit_log(
            actor=actor,
            action="coupons.deal_terms.set",
            obj=deal,
            data={"expiry_rule": terms.expiry_rule},
        )
    return terms


def coupons_expire_due(*, now=None) -> list[str]:
    """Expire every valid coupon past its expiry; return their public ids.

    ``pay_merchant`` moves the unredeemed share to the merchant's payable
    through the same escrow rule as a redemption; ``refund_shopper`` records
    what is owed back (``CouponExpiry``) for the escrow refund.
    """
    now = now or timezone.now()
    due = Coupon.objects.filter(status=Coupon.Status.VALID, expires_at__lt=now)
    expired = []
    for coupon in due.select_related("order__deal").order_by("pk")[:BATCH]:
        if _expire(coupon, now=now):
            expired.append(coupon.public_id)
    return expired


def _expire(coupon: Coupon, *, now) -> bool:
    rule = expiry_rule_for(coupon.order.deal)
    with transaction.atomic():
        changed = Coupon.objects.filter(
            pk=coupon.pk, status=Coupon.Status.VALID, expires_at__lt=now
        ).update(status=Coupon.Status.EXPIRED)
        if not changed:
            return False
        coupon.refresh_from_db()
        quantity = coupon.remaining_quantity
        record = CouponExpiry.objects.create(
            coupon=coupon,
            rule=rule,
            quantity=quantity,
            amount_fen=quantity * coupon.unit_price_fen,
        )
        audit_log(
            actor=None,
            action="coupons.coupon.expired",
            obj=coupon,
            data={"rule": rule, "quantity": quantity, "amount_fen": record.amount_fen},
        )
        if rule == ExpiryRule.PAY_MERCHANT and record.amount_fen:
            _pay_merchant(coupon, record, now=now)
    return True


def _pay_merchant(coupon: Coupon, record: CouponExpiry, *, now) -> None:
    from groupbuy.coupons.services.redeeming import settles_on_redemption
    from groupbuy.escrow.services import escrow_settle_redemption

    if not settles_on_redemption(coupon.order):
        record.settled_at = now  # the deal paid the merchant when it closed
        record.save(update_fields=["settled_at"])
        return
    escrow_settle_redemption(
        actor=None,
        order=coupon.order,
        amount_fen=record.amount_fen,
        idempotency_key=f"coupons.expiry:{coupon.serial}",
    )
    record.settled_at = now
    record.save(update_fields=["settled_at"])
