"""What a period's redemptions, expiries and refunds add up to, summed by the
database, and which redemptions moved money now (deals settled on redemption)
rather than at close."""

from __future__ import annotations

import dataclasses

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Concat

from groupbuy.coupons.models import CouponExpiry, CouponRefund, Redemption
from groupbuy.deals.models import Deal
from groupbuy.escrow.services import platform_fee_expression


@dataclasses.dataclass(frozen=True)
class RedemptionTotals:
    """What a period's redemptions add up to (``redemption_totals``)."""

    count: int = 0
    settled_fen: int = 0  # of deals settled on redemption: counted
    fee_fen: int = 0  # the platform's fee on each of those, added up
    paid_at_close_fen: int = 0  # of deals that paid at close: listed only


def paid_at_close(redemption: Redemption) -> bool:
    """Whether the redeemed coupon's deal paid the merchant when it closed."""
    deal = redemption.coupon.order.deal
    return deal.settlement_mode != deal.SettlementMode.ON_REDEMPTION


# The redemptions ``paid_at_close`` says moved money now, for the database.
SETTLED_NOW = Q(coupon__order__deal__settlement_mode=Deal.SettlementMode.ON_REDEMPTION)


def redemption_totals(redemptions: QuerySet[Redemption]) -> RedemptionTotals:
    """Return what ``redemptions`` add up to, summed by the database (one
    query): the fee of each settled one rounded as ``platform_fee_fen`` does."""
    return RedemptionTotals(
        **redemptions.order_by().aggregate(
            count=Count("pk"),
            settled_fen=Sum("amount_fen", filter=SETTLED_NOW, default=0),
            fee_fen=Sum(
                platform_fee_expression("amount_fen"), filter=SETTLED_NOW, default=0
            ),
            paid_at_close_fen=Sum("amount_fen", filter=~SETTLED_NOW, default=0),
        )
    )


@dataclasses.dataclass(frozen=True)
class AdjustmentTotals:
    """What a period's expiries and refunds add up to (``adjustment_totals``)."""

    expiry_paid_fen: int = 0  # expired, paid to the merchant
    expiry_paid_fee_fen: int = 0  # the platform's fee on each of those
    expiry_refunded_fen: int = 0  # expired, refunded from merchant-pending
    expiry_taken_back_fen: int = 0  # expired, taken back: the whole refunds
    refund_taken_back_fen: int = 0  # refunded unused, taken back: the same
    refund_from_pending_fen: int = 0  # refunded unused from merchant-pending
    # What the take-backs took from the merchant's payable (the rest of them
    # is the platform's fee returned), as the ledger moved it.
    merchant_taken_back_fen: int = 0


def adjustment_totals(
    *, expiries: QuerySet[CouponExpiry], refunds: QuerySet[CouponRefund]
) -> AdjustmentTotals:
    """Return what ``expiries`` and ``refunds`` add up to, summed by the
    database (three queries, however many): none of them is loaded."""
    paid = Q(outcome=CouponExpiry.Outcome.PAID_MERCHANT)
    taken = Q(outcome=CouponExpiry.Outcome.TAKEN_BACK)
    from_pending = Q(outcome=CouponExpiry.Outcome.REFUNDED)
    expired = expiries.order_by().aggregate(
        expiry_paid_fen=Sum("amount_fen", filter=paid, default=0),
        expiry_paid_fee_fen=Sum(
            platform_fee_expression("amount_fen"), filter=paid, default=0
        ),
        expiry_refunded_fen=Sum("amount_fen", filter=from_pending, default=0),
        expiry_taken_back_fen=Sum("amount_fen", filter=taken, default=0),
    )
    refunded = refunds.order_by().aggregate(
        refund_taken_back_fen=Sum("amount_fen", filter=taken, default=0),
        refund_from_pending_fen=Sum("amount_fen", filter=from_pending, default=0),
    )
    return AdjustmentTotals(
        **expired,
        **refunded,
        merchant_taken_back_fen=_payable_taken_back_fen(
            [expiries.filter(taken), refunds.filter(taken)]
        ),
    )


def _payable_taken_back_fen(taken_back: list[QuerySet]) -> int:
    """What the ledger took from merchants' payables under the escrow keys of
    the ``taken_back`` expiries and refunds (one query, the keys a subquery)."""
    from groupbuy.escrow.models import LedgerAccount, LedgerEntry

    keys = Q()
    for adjustments in taken_back:
        prefix = _key_prefix(adjustments.model)
        by_serial = Concat(Value(prefix), "coupon__serial", output_field=CharField())
        if adjustments.model is CouponRefund:
            # A coupon may have several refunds, each under its own key; one
            # with none is the release before's (``escrow_key``).
            key = Case(When(escrow_key="", then=by_serial), default=F("escrow_key"))
        else:
            key = by_serial
        made = adjustments.order_by().annotate(key=key).values("key")
        keys |= Q(transaction__idempotency_key__in=made)
    total = LedgerEntry.objects.filter(
        keys, account__kind=LedgerAccount.Kind.MERCHANT_PAYABLE
    ).aggregate(total=Sum("amount_fen", default=0))["total"]
    return -total


def _key_prefix(model) -> str:
    from groupbuy.coupons.services.expiry import TAKE_BACK_KEY_PREFIX
    from groupbuy.coupons.services.refunding import REFUND_KEY_PREFIX

    return REFUND_KEY_PREFIX if model is CouponRefund else TAKE_BACK_KEY_PREFIX


def escrow_key(adjustment: CouponExpiry | CouponRefund) -> str:
    """The escrow key an expiry's or refund's money moved under."""
    if isinstance(adjustment, CouponRefund) and adjustment.escrow_key:
        return adjustment.escrow_key
    # An expiry's, or a refund the release before refunds of some units wrote
    # during the rolling deploy to it (coupons 0017 applied, the old code still
    # serving): it saved no key, but it was its coupon's only refund (the old
    # code answered any earlier one instead), made under the key every refund
    # had then. ``coupon_refunds_fill_keys`` writes it down later.
    return f"{_key_prefix(type(adjustment))}{adjustment.coupon.serial}"
