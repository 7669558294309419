"""The statement of a merchant's period: its days, what it lists (redemptions,
conflicts, expiries, refunds) and the figures they add up to."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.core.days import day_range_errors, days_window
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import (
    CouponExpiry,
    CouponRefund,
    Redemption,
    RedemptionConflict,
)
from groupbuy.coupons.statements.totals import (
    AdjustmentTotals,
    RedemptionTotals,
    adjustment_totals,
    escrow_key,
    redemption_totals,
)


@dataclasses.dataclass
class Statement:
    merchant: Merchant
    start: date
    end: date  # inclusive
    # Every redemption of the period, oldest first, not read until listed.
    redemptions: QuerySet[Redemption]
    conflicts: list[RedemptionConflict]
    # Every expiry and refund of the period, oldest first, not read until
    # listed either: their figures are sums the database makes.
    expiries: QuerySet[CouponExpiry] = dataclasses.field(
        default_factory=CouponExpiry.objects.none
    )
    refunds: QuerySet[CouponRefund] = dataclasses.field(
        default_factory=CouponRefund.objects.none
    )
    # Frozen, so one shared default is safe (ruff cannot tell across modules).
    redemption_totals: RedemptionTotals = RedemptionTotals()  # noqa: RUF009
    adjustment_totals: AdjustmentTotals = AdjustmentTotals()  # noqa: RUF009
    # (model name, pk) -> what a listed take-back took from the payable.
    _merchant_parts: dict[tuple[str, int], int] = dataclasses.field(
        default_factory=dict, repr=False
    )

    @property
    def has_redemptions(self) -> bool:
        return self.redemption_totals.count > 0

    @property
    def paid_expiries(self) -> QuerySet[CouponExpiry]:
        return self.expiries.filter(outcome=CouponExpiry.Outcome.PAID_MERCHANT)

    @property
    def redeemed_fen(self) -> int:
        """Redemptions that moved money now (deals settled on redemption)."""
        return self.redemption_totals.settled_fen

    @property
    def paid_at_close_fen(self) -> int:
        """Redeemed coupons of deals that paid the merchant when they closed:
        listed, in no total (that money was in the statement of the close)."""
        return self.redemption_totals.paid_at_close_fen

    @property
    def expiry_paid_fen(self) -> int:
        return self.adjustment_totals.expiry_paid_fen

    @property
    def expiry_refunded_fen(self) -> int:
        return self.adjustment_totals.expiry_refunded_fen

    @property
    def taken_back_expiries(self) -> QuerySet[CouponExpiry]:
        return self.expiries.filter(outcome=CouponExpiry.Outcome.TAKEN_BACK)

    @property
    def expiry_taken_back_fen(self) -> int:
        """What the shoppers got back of money the merchant was paid at close."""
        return self.adjustment_totals.expiry_taken_back_fen

    @property
    def taken_back_refunds(self) -> QuerySet[CouponRefund]:
        return self.refunds.filter(outcome=CouponRefund.Outcome.TAKEN_BACK)

    @property
    def refund_taken_back_fen(self) -> int:
        """What the shoppers got back of money the merchant was paid at close,
        for coupons refunded unused before they expired."""
        return self.adjustment_totals.refund_taken_back_fen

    @property
    def refund_from_pending_fen(self) -> int:
        """Refunds of money that had not reached the merchant: listed only."""
        return self.adjustment_totals.refund_from_pending_fen

    @property
    def taken_back_fen(self) -> int:
        """The merchant's part of the money taken back, for expiries and
        refunds (the rest is the platform's fee returned)."""
        return self.adjustment_totals.merchant_taken_back_fen

    def listed(self, adjustments) -> list:
        """Return ``adjustments`` (expiries or refunds of the statement, a
        page of them or all) as a list, with what each take-back took from
        the merchant's payable read for all of them at once (one query), for
        their lines."""
        adjustments = list(adjustments)
        self._merchant_parts.update(_merchant_parts(adjustments))
        return adjustments

    def refund_merchant_fen(self, adjustment: CouponExpiry | CouponRefund) -> int:
        """What a refund or an expiry took from the merchant's payable (0:
        from pending, or paid)."""
        return self._merchant_part_fen(adjustment)

    def _merchant_part_fen(self, adjustment: CouponExpiry | CouponRefund) -> int:
        if adjustment.outcome != CouponExpiry.Outcome.TAKEN_BACK:
            return 0
        known = (adjustment._meta.model_name, adjustment.pk)
        if known not in self._merchant_parts:
            self.listed([adjustment])
        return self._merchant_parts.get(known, 0)

    def adjustment_fen(self, adjustment: CouponExpiry | CouponRefund) -> int:
        """What an expiry or refund moved the merchant's balance by, as the
        figures count it: an expiry paid to the merchant its amount, a
        take-back minus the merchant's part (the platform returned its fee),
        anything else (refunded from merchant-pending, paid at close) 0."""
        if adjustment.outcome == CouponExpiry.Outcome.PAID_MERCHANT:
            return adjustment.amount_fen
        if adjustment.outcome == CouponExpiry.Outcome.TAKEN_BACK:
            return -self._merchant_part_fen(adjustment)
        return 0

    def adjustment_fee_returned_fen(
        self, adjustment: CouponExpiry | CouponRefund
    ) -> int:
        """The platform's fee returned with a take-back (0 otherwise)."""
        if adjustment.outcome != CouponExpiry.Outcome.TAKEN_BACK:
            return 0
        return adjustment.amount_fen - self._merchant_part_fen(adjustment)

    @property
    def fee_fen(self) -> int:
        """The platform's fee on what was paid to the merchant in the period
        (redemptions settled now, expiries paid). A fee returned with a
        take-back is not subtracted here: ``taken_back_fen`` is already the
        merchant's part, net of it, so that the headline figures add up
        (``redeemed_fen + expiry_paid_fen - fee_fen - taken_back_fen``)."""
        return (
            self.redemption_totals.fee_fen + self.adjustment_totals.expiry_paid_fee_fen
        )

    @property
    def total_fen(self) -> int:
        """What moved the merchant's money in the period before the fee: the
        CSV's amount column added up."""
        return self.redeemed_fen + self.expiry_paid_fen - self.taken_back_fen

    @property
    def net_fen(self) -> int:
        return self.total_fen - self.fee_fen


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return first, next_month - timedelta(days=1)


def statement_period(
    start: date | None, end: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """Return the period a statement asked for ``start`` to ``end`` covers.

    A statement is read by the month, so the days default together: neither
    given is this month; a lone end is its month up to that day (``end`` of
    2026-11-30 alone is November); a lone start runs to the end of its month.
    A lone day is never paired with a bound of the current month, which made
    a lone end of a past month "before the start" and a lone start of a past
    month a statement of several months under a one-month heading.
    """
    if start is None and end is None:
        return month_bounds(today or timezone.localdate())
    if start is None:
        return end.replace(day=1), end
    if end is None:
        return start, month_bounds(start)[1]
    return start, end


def statement_for(*, merchant: Merchant, start: date, end: date) -> Statement:
    """The statement of ``start`` to ``end`` (days in the display time zone); a
    day outside the platform's calendar, or an end before the start, is refused
    (CouponError invalid_date, on its field)."""
    if errors := day_range_errors(start=start, end=end):
        raise CouponError(
            "invalid_date",
            _("Choose the days again: one is outside the calendar."),
            fields=errors,
        )
    if end < start:
        message = _("The end date is before the start date.")
        raise CouponError("invalid_date", message, fields={"end": [message]})
    since, until = days_window(start, end)
    redemptions = (
        Redemption.objects.filter(
            coupon__merchant=merchant, redeemed_at__gte=since, redeemed_at__lt=until
        )
        .select_related("coupon__order__deal", "branch")
        .order_by("redeemed_at", "id")
    )
    conflicts = RedemptionConflict.objects.filter(
        merchant=merchant, redeemed_at__gte=since, redeemed_at__lt=until
    ).select_related("coupon__order__deal", "batch")
    expiries = (
        CouponExpiry.objects.filter(
            coupon__merchant=merchant, settled_at__gte=since, settled_at__lt=until
        )
        .select_related("coupon__order__deal")
        .order_by("settled_at", "id")
    )
    refunds = (
        CouponRefund.objects.filter(
            coupon__merchant=merchant, refunded_at__gte=since, refunded_at__lt=until
        )
        .select_related("coupon__order__deal")
        .order_by("refunded_at", "id")
    )
    return Statement(
        merchant,
        start,
        end,
        redemptions,
        list(conflicts),
        expiries,
        refunds,
        redemption_totals(redemptions),
        adjustment_totals(expiries=expiries, refunds=refunds),
    )


def _merchant_parts(adjustments) -> dict[tuple[str, int], int]:
    """Return, by (model name, pk), what the ledger took from the merchant's
    payable for each of ``adjustments`` taken back (one query)."""
    from groupbuy.escrow.models import LedgerAccount, LedgerEntry

    keys = {
        escrow_key(adjustment): (adjustment._meta.model_name, adjustment.pk)
        for adjustment in adjustments
        if adjustment.outcome == CouponExpiry.Outcome.TAKEN_BACK
    }
    if not keys:
        return {}
    entries = LedgerEntry.objects.filter(
        transaction__idempotency_key__in=keys,
        account__kind=LedgerAccount.Kind.MERCHANT_PAYABLE,
    ).values_list("transaction__idempotency_key", "amount_fen")
    return {keys[key]: -amount for key, amount in entries}
