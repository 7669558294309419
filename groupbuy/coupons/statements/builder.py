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
from groupbuy.coupons.statements.totals import RedemptionTotals, redemption_totals
from groupbuy.escrow.services import platform_fee_fen


@dataclasses.dataclass
class Statement:
    merchant: Merchant
    start: date
    end: date  # inclusive
    # Every redemption of the period, oldest first, not read until listed.
    redemptions: QuerySet[Redemption]
    conflicts: list[RedemptionConflict]
    expiries: list[CouponExpiry] = dataclasses.field(default_factory=list)
    # Expiry pk -> what was taken back from the merchant's payable.
    taken_back: dict[int, int] = dataclasses.field(default_factory=dict)
    refunds: list[CouponRefund] = dataclasses.field(default_factory=list)
    # Refund pk -> what was taken back from the merchant's payable.
    refund_taken_back: dict[int, int] = dataclasses.field(default_factory=dict)
    # Frozen, so one shared default is safe (ruff cannot tell across modules).
    redemption_totals: RedemptionTotals = RedemptionTotals()  # noqa: RUF009

    @property
    def has_redemptions(self) -> bool:
        return self.redemption_totals.count > 0

    @property
    def paid_expiries(self) -> list[CouponExpiry]:
        paid = CouponExpiry.Outcome.PAID_MERCHANT
        return [e for e in self.expiries if e.outcome == paid]

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
        return sum(e.amount_fen for e in self.paid_expiries)

    @property
    def expiry_refunded_fen(self) -> int:
        refunded = CouponExpiry.Outcome.REFUNDED
        return sum(e.amount_fen for e in self.expiries if e.outcome == refunded)

    @property
    def taken_back_expiries(self) -> list[CouponExpiry]:
        taken = CouponExpiry.Outcome.TAKEN_BACK
        return [e for e in self.expiries if e.outcome == taken]

    @property
    def expiry_taken_back_fen(self) -> int:
        """What the shoppers got back of money the merchant was paid at close."""
        return sum(e.amount_fen for e in self.taken_back_expiries)

    @property
    def taken_back_refunds(self) -> list[CouponRefund]:
        taken = CouponRefund.Outcome.TAKEN_BACK
        return [r for r in self.refunds if r.outcome == taken]

    @property
    def refund_taken_back_fen(self) -> int:
        """What the shoppers got back of money the merchant was paid at close,
        for coupons refunded unused before they expired."""
        return sum(r.amount_fen for r in self.taken_back_refunds)

    @property
    def refund_from_pending_fen(self) -> int:
        """Refunds of money that had not reached the merchant: listed only."""
        refunded = CouponRefund.Outcome.REFUNDED
        return sum(r.amount_fen for r in self.refunds if r.outcome == refunded)

    @property
    def taken_back_fen(self) -> int:
        """The merchant's part of the money taken back, for expiries and
        refunds (the rest is the platform's fee returned)."""
        expiries = sum(self.taken_back.get(e.pk, 0) for e in self.taken_back_expiries)
        refunds = sum(
            self.refund_taken_back.get(r.pk, 0) for r in self.taken_back_refunds
        )
        return expiries + refunds

    def refund_merchant_fen(self, refund: CouponRefund) -> int:
        """What ``refund`` took from the merchant's payable (0: from pending)."""
        return self.refund_taken_back.get(refund.pk, 0)

    def _merchant_part_fen(self, adjustment: CouponExpiry | CouponRefund) -> int:
        if isinstance(adjustment, CouponRefund):
            return self.refund_taken_back.get(adjustment.pk, 0)
        return self.taken_back.get(adjustment.pk, 0)

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
        expiries = sum(platform_fee_fen(e.amount_fen) for e in self.paid_expiries)
        return self.redemption_totals.fee_fen + expiries

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
    expiries = list(expiries)
    refunds = list(
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
        _taken_back(expiries),
        refunds,
        _refunds_taken_back(refunds),
        redemption_totals(redemptions),
    )


def _taken_back(expiries: list[CouponExpiry]) -> dict[int, int]:
    """Return, by expiry pk, what the ledger took back from the merchant's
    payable for the expiries refunded out of money paid at close (one query)."""
    from groupbuy.coupons.services.expiry import take_back_key

    return _payable_taken_back(
        {
            take_back_key(e.coupon.serial): e.pk
            for e in expiries
            if e.outcome == CouponExpiry.Outcome.TAKEN_BACK
        }
    )


def _refunds_taken_back(refunds: list[CouponRefund]) -> dict[int, int]:
    """Return, by refund pk, what the ledger took back from the merchant's
    payable for the refunds of coupons of deals paid at close (one query)."""
    from groupbuy.coupons.services.refunding import refund_key

    return _payable_taken_back(
        {
            refund_key(r.coupon): r.pk
            for r in refunds
            if r.outcome == CouponRefund.Outcome.TAKEN_BACK
        }
    )


def _payable_taken_back(keys: dict[str, int]) -> dict[int, int]:
    """Return, by the pk ``keys`` maps each escrow key to, what the ledger
    postings under that key took from the merchant's payable."""
    from groupbuy.escrow.models import LedgerAccount, LedgerEntry

    if not keys:
        return {}
    entries = LedgerEntry.objects.filter(
        transaction__idempotency_key__in=keys,
        account__kind=LedgerAccount.Kind.MERCHANT_PAYABLE,
    ).values_list("transaction__idempotency_key", "amount_fen")
    return {keys[key]: -amount for key, amount in entries}
