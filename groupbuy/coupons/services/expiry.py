"""Coupons that expire unredeemed follow the rule stated for their deal."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import DomainError
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, CouponExpiry, DealCouponTerms, ExpiryRule
from groupbuy.coupons.notifications import notify_refund_waiting
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_units_refunded

logger = logging.getLogger(__name__)
BATCH = 200


def default_expiry_rule() -> str:
    return getattr(settings, "GROUPBUY_COUPON_EXPIRY_RULE", ExpiryRule.REFUND_SHOPPER)


def expiry_rule_for(deal) -> str:
    terms = DealCouponTerms.objects.filter(deal=deal).first()
    return terms.expiry_rule if terms is not None else default_expiry_rule()


def expiry_rules_for(deals) -> dict[int, str]:
    """Return each deal's rule by deal pk, in one query."""
    stated = dict(
        DealCouponTerms.objects.filter(deal__in=deals).values_list(
            "deal_id", "expiry_rule"
        )
    )
    return {deal.pk: stated.get(deal.pk, default_expiry_rule()) for deal in deals}


def deals_promised_to_buyers(deals) -> set[int]:
    """Return the pks of ``deals`` whose coupon terms stay promised to buyers:
    those with an order paid or confirmed, in one query.

    An order refunded whole (its shopper cancelled, the shop refunded it, or
    its coupon's units all went back to the shopper, refunded or expired) is
    not counted: no coupon of it is left for the terms to govern. A partly
    refunded order is still confirmed and counts, and so does a team place
    whose units were all refunded (the teams app keeps it confirmed)."""
    return set(
        DealOrder.objects.filter(
            deal__in=deals,
            status__in=(DealOrder.Status.PAID, DealOrder.Status.CONFIRMED),
        )
        .values_list("deal_id", flat=True)
        .distinct()
    )


def deal_coupon_terms_set(
    *,
    actor,
    deal,
    expiry_rule: str | None = None,
    unused_refundable: bool | None = None,
) -> DealCouponTerms:
    """Set what ``deal`` promises about its coupons; None leaves a term as it is.

    What buyers paid under stays promised to them: once a deal has paid
    orders (``deals_promised_to_buyers``), refunds of unused coupons cannot be
    turned off, nor the rule at expiry changed from refunding the shopper to
    paying the merchant (the other way, in the buyers' favour, is always
    allowed). Once every paid order was refunded whole, no buyer holds a
    coupon under the terms, and they may change again.
    """
    from groupbuy.catalog.permissions import require_merchant_owner
    from groupbuy.coupons.services.refunding import unused_refundable_for

    require_merchant_owner(actor, deal.merchant)
    with transaction.atomic():
        terms = DealCouponTerms.objects.select_for_update().filter(deal=deal).first()
        was_refundable = (
            terms.unused_refundable if terms else unused_refundable_for(deal)
        )
        promised = deal.pk in deals_promised_to_buyers([deal])
        was_rule = terms.expiry_rule if terms else default_expiry_rule()
        if (
            was_rule == ExpiryRule.REFUND_SHOPPER
            and expiry_rule == ExpiryRule.PAY_MERCHANT
            and promised
        ):
            raise CouponError(
                "rule_promised",
                _(
                    "Buyers paid for this deal when its coupons unused at expiry "
                    "were to be refunded to them; that promise stays for this deal."
                ),
                status=409,
                fields={"expiry_rule": [_("Already promised to buyers.")]},
            )
        if was_refundable and unused_refundable is False and promised:
            raise CouponError(
                "refund_promised",
                _(
                    "Buyers paid for this deal when its coupons could be refunded "
                    "unused; that promise stays for this deal."
                ),
                status=409,
                fields={"unused_refundable": [_("Already promised to buyers.")]},
            )
        if terms is None:
            terms = DealCouponTerms(
                deal=deal,
                expiry_rule=default_expiry_rule(),
                unused_refundable=was_refundable,
            )
        if expiry_rule is not None:
            terms.expiry_rule = ExpiryRule(expiry_rule)
        if unused_refundable is not None:
            terms.unused_refundable = unused_refundable
        terms.save()
        audit_log(
            actor=actor,
            action="coupons.deal_terms.set",
            obj=deal,
            data={
                "expiry_rule": terms.expiry_rule,
                "unused_refundable": terms.unused_refundable,
            },
        )
    return terms


def coupons_expire_due(*, now=None, batches: int = 50) -> list[str]:
    """Expire valid coupons past their expiry, ``BATCH`` at a time; return their
    public ids. Then settle every expiry still waiting (a failed refund is
    retried on the next run).

    Safe to re-run and to run twice at once: each coupon changes state with a
    conditional UPDATE and its money moves under an idempotency key.
    """
    now = now or timezone.now()
    expired: list[str] = []
    for _round in range(batches):
        due = Coupon.objects.filter(status=Coupon.Status.VALID, expires_at__lt=now)
        chunk = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not chunk:
            break
        for coupon in Coupon.objects.filter(pk__in=chunk).order_by("pk"):
            if _expire(coupon, now=now):
                expired.append(coupon.public_id)
    # The money moves afterwards, each in its own transaction: a refusal from
    # escrow leaves the coupon expired and its record waiting for the next run.
    coupon_expiries_settle_waiting(now=now)
    return expired


def _expire(coupon: Coupon, *, now) -> bool:
    with transaction.atomic():
        changed = Coupon.objects.filter(
            pk=coupon.pk, status=Coupon.Status.VALID, expires_at__lt=now
        ).update(status=Coupon.Status.EXPIRED)
        if not changed:
            return False
        coupon = Coupon.objects.select_related("order__deal").get(pk=coupon.pk)
        rule = expiry_rule_for(coupon.order.deal)
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
    return True


def coupon_expiries_settle_waiting(*, now=None, limit: int = 500) -> int:
    """Settle expiries whose money has not moved yet; return how many moved."""
    now = now or timezone.now()
    waiting = CouponExpiry.objects.filter(settled_at__isnull=True).order_by("pk")
    done = 0
    for record in waiting[:limit]:
        done += coupon_expiry_settle(record=record, now=now).settled_at is not None
    return done


def coupon_expiry_settle(*, record: CouponExpiry, now=None) -> CouponExpiry:
    """Apply the rule to an expired coupon's unredeemed units (idempotent).

    ``refund_shopper`` gives the units' price back to the shopper through
    escrow's refund path (the provider is called after commit): from
    merchant-pending for a deal settled on redemption, or taken back from the
    merchant's payable (and the platform's fee) for a deal that paid the
    merchant when it closed; if that payable was already paid out, the record
    waits, with the reason, and each sweep tries again. ``pay_merchant``
    settles it to the merchant's payable like a redemption (nothing to move for
    a deal settled at close).
    """
    from groupbuy.coupons.services.redeeming import settles_on_redemption

    now = now or timezone.now()
    with transaction.atomic():
        record = (
            CouponExpiry.objects.select_for_update()
            .select_related("coupon__order__deal")
            .get(pk=record.pk)
        )
        if record.settled_at is not None:
            return record
        order = record.coupon.order
        # The order's row before escrow's locks, as the deals services take
        # it: money given back to the shopper is added to its refunded_fen.
        DealOrder.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
        if not record.amount_fen:
            outcome = CouponExpiry.Outcome.NOTHING_LEFT
        elif record.rule == ExpiryRule.PAY_MERCHANT and not settles_on_redemption(
            order
        ):
            outcome = CouponExpiry.Outcome.PAID_AT_CLOSE
        else:
            try:
                with transaction.atomic():
                    outcome = _move_money(record, order)
            except DomainError as error:
                logger.warning("coupon expiry %s: %s", record.pk, error.message)
                if not record.last_error:
                    notify_refund_waiting(record=record, order=order)
                record.last_error = f"{error.code}: {error.message}"[:200]
                record.save(update_fields=["last_error"])
                return record
        if outcome in (CouponExpiry.Outcome.REFUNDED, CouponExpiry.Outcome.TAKEN_BACK):
            deal_order_units_refunded(
                actor=None,
                order_id=order.pk,
                amount_fen=record.amount_fen,
                # none used: the units its refunds did not take all expired
                every_unit=record.quantity + record.coupon.refunded_quantity
                == record.coupon.quantity,
            )
        record.outcome, record.settled_at, record.last_error = outcome, now, ""
        record.save(update_fields=["outcome", "settled_at", "last_error"])
        audit_log(
            actor=None,
            action="coupons.expiry.settled",
            obj=record.coupon,
            data={"outcome": outcome, "amount_fen": record.amount_fen},
        )
    return record


TAKE_BACK_KEY_PREFIX = "coupons.expiry.take_back:"


def take_back_key(serial: str) -> str:
    """Return the escrow key an expired coupon's money is taken back under."""
    return f"{TAKE_BACK_KEY_PREFIX}{serial}"


def _move_money(record: CouponExpiry, order) -> str:
    from groupbuy.coupons.services.redeeming import settles_on_redemption
    from groupbuy.escrow.pending import escrow_refund_pending
    from groupbuy.escrow.services import escrow_settle_redemption
    from groupbuy.escrow.takeback import escrow_take_back_released

    if record.rule == ExpiryRule.REFUND_SHOPPER and not settles_on_redemption(order):
        escrow_take_back_released(
            actor=None,
            order=order,
            amount_fen=record.amount_fen,
            idempotency_key=take_back_key(record.coupon.serial),
            reason="coupon_expired",
        )
        return CouponExpiry.Outcome.TAKEN_BACK
    if record.rule == ExpiryRule.REFUND_SHOPPER:
        escrow_refund_pending(
            actor=None,
            order=order,
            amount_fen=record.amount_fen,
            idempotency_key=f"coupons.expiry.refund:{record.coupon.serial}",
            reason="coupon_expired",
        )
        return CouponExpiry.Outcome.REFUNDED
    escrow_settle_redemption(
        actor=None,
        order=order,
        amount_fen=record.amount_fen,
        idempotency_key=f"coupons.expiry:{record.coupon.serial}",
    )
    return CouponExpiry.Outcome.PAID_MERCHANT
