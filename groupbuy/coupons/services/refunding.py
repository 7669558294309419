"""A shopper refunds a valid coupon's unused units before it expires (随时退).

The money goes back the way an expired coupon's does under "refund the
shopper" (``expiry._move_money``): from merchant-pending for a deal settled on
redemption, taken back from the merchant's payable for one that paid the
merchant at close. Unlike an expiry, which may wait for the merchant's balance,
a refund the shopper asks for happens at once or not at all: if the merchant
has already been paid out, nothing changes and the shopper is told to ask the
shop. The coupon is revoked in the same transaction, so every till (and, at
their next sync, the offline stations) refuses its code.

The shop's owners may refund a coupon's unused units too
(``coupon_refund_by_merchant``), whatever the deal's terms promised, with a
reason the shopper is told: when the shop cannot honour a coupon, this is how
the money goes back (an order of an ended deal can no longer be refunded).

Either way the amount is added to the order's ``refunded_fen`` in the same
transaction (``deals.services.deal_order_units_refunded``), under the order's
row lock, taken first: an order none of whose units was used is refunded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.live import publish_coupon_state
from groupbuy.coupons.models import Coupon, CouponRefund, DealCouponTerms, Revocation
from groupbuy.coupons.services.issuing import coupon_revoke
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_units_refunded
from groupbuy.escrow.errors import InsufficientFunds

REVOCATION_REASON = Revocation.Reason.REFUNDED_UNUSED
MERCHANT_REVOCATION_REASON = Revocation.Reason.REFUNDED_BY_MERCHANT
REASON_MAX_LENGTH = 200


def _platform_default() -> bool:
    return getattr(settings, "GROUPBUY_COUPON_UNUSED_REFUNDABLE", True)


def unused_refundable_for(deal) -> bool:
    """Whether ``deal``'s coupons may be refunded unused (its terms, else the
    platform's default, GROUPBUY_COUPON_UNUSED_REFUNDABLE); a list that read
    it for its deals at once set it as ``deal.coupon_unused_refundable``."""
    known = getattr(deal, "coupon_unused_refundable", None)
    if known is not None:
        return known
    return refundable_unused_by_deal([deal])[deal.pk]


def refundable_unused_by_deal(deals) -> dict[int, bool]:
    """``unused_refundable_for`` of each deal, by deal pk, in one query."""
    stated = dict(
        DealCouponTerms.objects.filter(deal__in=deals).values_list(
            "deal_id", "unused_refundable"
        )
    )
    return {deal.pk: stated.get(deal.pk, _platform_default()) for deal in deals}


def refund_refusal(
    coupon: Coupon, *, now=None, offered_only: bool = True
) -> CouponError | None:
    """Why ``coupon`` cannot be refunded now (None when it can), before any
    money is tried: for pages and the API to offer the refund or say why not.
    ``offered_only=False`` (the shop's own refund) ignores the deal's terms."""
    status = coupon.status_at(now or timezone.now())
    if status == Coupon.Status.EXPIRED:
        return CouponError(
            "expired",
            _("This coupon has expired; its unused units follow the deal's rule."),
            status=409,
        )
    if status != Coupon.Status.VALID or coupon.remaining_quantity == 0:
        return CouponError(
            "not_refundable",
            _("Only a valid coupon with units left can be refunded."),
            status=409,
        )
    if offered_only and not unused_refundable_for(coupon.order.deal):
        return CouponError(
            "refund_not_offered",
            _(
                "The shop does not refund this deal's coupons once bought; its "
                "terms said so on the deal."
            ),
            status=409,
        )
    return None


def coupon_refund_unused(
    *, actor, coupon: Coupon, units: int | None = None, idempotency_key: str = ""
) -> CouponRefund:
    """Refund ``units`` of ``actor``'s valid coupon's unused units (all of
    them when None); the coupon stays valid for the units left, and is revoked
    once none are.

    Repeat-safe: with ``idempotency_key`` the same request sent again answers
    its refund; asking for all of a coupon already refunded whole answers
    that refund.
    """
    if coupon.shopper_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such coupon."))
    return _refund(
        actor=actor,
        coupon=coupon,
        offered_only=True,
        units=units,
        idempotency_key=idempotency_key,
    )


def coupon_refund_by_merchant(
    *,
    actor,
    coupon: Coupon,
    reason: str,
    units: int | None = None,
    idempotency_key: str = "",
) -> CouponRefund:
    """Refund ``units`` of a valid coupon's unused units (all of them when
    None) for its shop's owner ``actor``, whatever the deal's terms, and tell
    the shopper ``reason``; the coupon is revoked once no unit is left.

    At once or not at all, as the shopper's: a merchant whose balance cannot
    cover the take-back is refused 409 ``merchant_paid_out`` and nothing
    changes. Repeat-safe as the shopper's.
    """
    require_merchant_owner(actor, coupon.merchant)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise CouponError(
            "invalid",
            _("Say why you refund this coupon (at most 200 characters)."),
            fields={"reason": [_("Between 1 and 200 characters.")]},
        )
    return _refund(
        actor=actor,
        coupon=coupon,
        offered_only=False,
        reason=reason,
        units=units,
        idempotency_key=idempotency_key,
    )


def _checked_units(units) -> int | None:
    if units is None:
        return None
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        message = _("Refund at least one unit.")
        raise CouponError("invalid", message, fields={"units": [message]})
    return units


def _refund(
    *,
    actor,
    coupon: Coupon,
    offered_only: bool,
    units: int | None,
    idempotency_key: str,
    reason: str = "",
) -> CouponRefund:
    units = _checked_units(units)
    if not getattr(actor, "pk", None):
        idempotency_key = ""
    try:
        with transaction.atomic():
            return _refund_locked(
                actor, coupon, offered_only, units, idempotency_key, reason
            )
    except IntegrityError:
        # The same key, sent for another coupon at the same moment, won.
        earlier = _refunded_with(actor, idempotency_key, coupon, units)
        if earlier is None:
            raise
        return earlier


def _refund_locked(actor, coupon, offered_only, units, idempotency_key, reason):
    """Refund ``units`` (None: every unit left) of ``coupon`` in the caller's
    transaction; ``offered_only``: only if the deal's terms offer it."""
    by_merchant = not offered_only
    # The order's row first, before escrow's locks, as the deals services
    # take it: its refunded_fen grows in this transaction.
    DealOrder.objects.select_for_update(of=("self",)).filter(pk=coupon.order_id).first()
    coupon = (
        Coupon.objects.select_for_update(of=("self",))
        .select_related("order__deal", "merchant", "shopper")
        .get(pk=coupon.pk)
    )
    earlier = _refunded_with(actor, idempotency_key, coupon, units)
    if earlier is None and units is None:
        earlier = coupon.refund  # refunded whole already: the same answer
    if earlier is not None:
        return earlier
    if refusal := refund_refusal(coupon, offered_only=offered_only):
        raise refusal
    quantity = coupon.remaining_quantity if units is None else units
    if not _take_refunded_units(coupon, quantity):
        raise _more_than_left(coupon.remaining_quantity)
    amount_fen = quantity * coupon.unit_price_fen
    key = refund_key(coupon, made_before=coupon.refunds.count())
    try:
        with transaction.atomic():
            outcome = _give_back(actor, coupon, amount_fen, key)
    except InsufficientFunds:
        raise _paid_out_refusal(by_merchant=by_merchant) from None
    refund = CouponRefund.objects.create(
        coupon=coupon,
        quantity=quantity,
        amount_fen=amount_fen,
        outcome=outcome,
        escrow_key=key,
        idempotency_key=idempotency_key,
        units_left=coupon.remaining_quantity - quantity,
        refunded_by=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    coupon.refresh_from_db()
    _after_units_refunded(actor, coupon, refund, by_merchant=by_merchant)
    return refund


def _take_refunded_units(coupon: Coupon, quantity: int) -> bool:
    """Move ``quantity`` units from left to refunded, if they are left (the
    same condition as a till's ``take_units``, on the same row)."""
    return bool(
        Coupon.objects.filter(
            pk=coupon.pk,
            status=Coupon.Status.VALID,
            redeemed_quantity__lte=F("quantity") - F("refunded_quantity") - quantity,
        ).update(refunded_quantity=F("refunded_quantity") + quantity)
    )


def _after_units_refunded(actor, coupon, refund, *, by_merchant: bool) -> None:
    """Revoke ``coupon`` if ``refund`` took its last units (before the order
    hears of it: its ``order_refunded`` leaves a revoked coupon as it is),
    tell its order, audit, and tell the shopper of the shop's refund."""
    if coupon.remaining_quantity == 0:
        coupon_revoke(
            actor=actor,
            coupon=coupon,
            reason=MERCHANT_REVOCATION_REASON if by_merchant else REVOCATION_REASON,
        )
    else:
        publish_coupon_state(coupon)  # an open coupon page shows the units left
    deal_order_units_refunded(
        actor=actor,
        order_id=coupon.order_id,
        amount_fen=refund.amount_fen,
        every_unit=coupon.refunded_quantity == coupon.quantity,
        reason=DealOrder.CancelReason.MERCHANT if by_merchant else "",
        refund_reason=refund.reason,
    )
    audit_log(
        actor=actor,
        action="coupons.coupon.refunded_by_merchant"
        if by_merchant
        else "coupons.coupon.refunded",
        obj=coupon,
        data={
            "quantity": refund.quantity,
            "amount_fen": refund.amount_fen,
            "outcome": refund.outcome,
            "units_left": coupon.remaining_quantity,
        }
        | ({"reason": refund.reason} if by_merchant else {}),
    )
    if by_merchant:
        from groupbuy.coupons.notifications import notify_refunded_by_merchant

        notify_refunded_by_merchant(refund=refund)


def _refunded_with(actor, idempotency_key: str, coupon, units) -> CouponRefund | None:
    """The refund ``actor`` made with ``idempotency_key`` if it is the one
    asked for; None if the key made none (or there is no key)."""
    if not idempotency_key:
        return None
    earlier = CouponRefund.objects.filter(
        refunded_by=actor, idempotency_key=idempotency_key
    ).first()
    if earlier is None:
        return None
    if earlier.coupon_id != coupon.pk or units not in (None, earlier.quantity):
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already refunded other units; send a new "
                "key for a new refund."
            ),
        )
    return earlier


def _more_than_left(left: int) -> CouponError:
    message = ngettext(
        "This coupon has %(count)d unused unit left; refund at most that many.",
        "This coupon has %(count)d unused units left; refund at most that many.",
        left,
    ) % {"count": left}
    return CouponError(
        "more_than_left", message, status=409, fields={"units": [message]}
    )


def _paid_out_refusal(*, by_merchant: bool) -> CouponError:
    if by_merchant:
        message = _(
            "Your balance cannot cover this refund: this coupon's money was "
            "already paid out to you. Nothing was changed; refund it once your "
            "balance covers it."
        )
    else:
        message = _(
            "The shop has already been paid for this coupon, so it cannot "
            "be refunded here; ask the shop, or use it before it expires."
        )
    return CouponError("merchant_paid_out", message, status=409)


REFUND_KEY_PREFIX = "coupons.refund_unused:"


def refund_key(coupon: Coupon, *, made_before: int = 0) -> str:
    """The escrow key a coupon's refund of unused units moves its money under,
    after ``made_before`` refunds of it: the first keeps the key a coupon's
    only refund had (``…:<serial>``), the later ones are numbered."""
    if not made_before:
        return f"{REFUND_KEY_PREFIX}{coupon.serial}"
    return f"{REFUND_KEY_PREFIX}{coupon.serial}:{made_before + 1}"


def _give_back(actor, coupon: Coupon, amount_fen: int, key: str) -> str:
    from groupbuy.coupons.services.redeeming import settles_on_redemption
    from groupbuy.escrow.pending import escrow_refund_pending
    from groupbuy.escrow.takeback import escrow_take_back_released

    order = coupon.order
    if settles_on_redemption(order):
        escrow_refund_pending(
            actor=actor,
            order=order,
            amount_fen=amount_fen,
            idempotency_key=key,
            reason="coupon_refunded",
        )
        return CouponRefund.Outcome.REFUNDED
    escrow_take_back_released(
        actor=actor,
        order=order,
        amount_fen=amount_fen,
        idempotency_key=key,
        reason="coupon_refunded",
    )
    return CouponRefund.Outcome.TAKEN_BACK


def refund_offer_fen(coupon: Coupon) -> int:
    """What refunding ``coupon`` now would give back (0 when it cannot be)."""
    if refund_refusal(coupon) is not None:
        return 0
    return coupon.remaining_quantity * coupon.unit_price_fen
