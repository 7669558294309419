"""Settlement statements: every redemption, conflict and adjustment of a
merchant in a period.

Redemptions of deals settled on redemption are counted (the money moved to
the merchant then, less the fee). Redemptions of deals that paid the merchant
when they closed are listed but in no total: that money moved at the close.

Adjustments are the coupons that expired unredeemed and were settled in the
period: paid to the merchant (counted in the totals, less the fee), refunded
to the shopper from merchant-pending (listed, not counted), or, for a deal that
paid the merchant at close, refunded to the shopper by taking the money back
from the merchant (deducted: the merchant's part as the ledger moved it, the
platform's fee returned). Refunds of valid coupons' unused units (the shopper's
or the shop's own, ``CouponRefund``) are adjustments the same way, by the day
they were made: taken back from the merchant's payable (deducted, as a taken
back expiry) or refunded from merchant-pending (listed, not counted: that money
had not reached the merchant). A redemption superseded by an earlier
offline one is listed among the conflicts (reason ``superseded``): its
settlement was reversed (none, on a deal that paid the shop when it closed), so
it is in no total.

The redemptions of a period can be many (a busy month, 100,000): their totals
and their days are sums the database makes (``RedemptionTotals``,
``statement_days``), and they are read row by row only to be listed: a page of
them on the page and in the API, all of them in the CSV and the PDF.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.core.days import day_range_errors, days_window
from groupbuy.core.money import format_fen, format_fen_for_spreadsheet
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import (
    CouponExpiry,
    CouponRefund,
    Redemption,
    RedemptionConflict,
)
from groupbuy.deals.models import Deal
from groupbuy.escrow.services import platform_fee_expression, platform_fee_fen


@dataclasses.dataclass(frozen=True)
class RedemptionTotals:
    """What a period's redemptions add up to (``redemption_totals``)."""

    count: int = 0
    settled_fen: int = 0  # of deals settled on redemption: counted
    fee_fen: int = 0  # the platform's fee on each of those, added up
    paid_at_close_fen: int = 0  # of deals that paid at close: listed only


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
    redemption_totals: RedemptionTotals = RedemptionTotals()

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

    def fee_returned_fen(self, expiry: CouponExpiry) -> int:
        return expiry.amount_fen - self.taken_back.get(expiry.pk, 0)

    def refund_fee_returned_fen(self, refund: CouponRefund) -> int:
        return refund.amount_fen - self.refund_taken_back.get(refund.pk, 0)

    def refund_merchant_fen(self, refund: CouponRefund) -> int:
        """What ``refund`` took from the merchant's payable (0: from pending)."""
        return self.refund_taken_back.get(refund.pk, 0)

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


@dataclasses.dataclass(frozen=True)
class StatementDay:
    day: date
    units: int  # coupon units redeemed, deals paid at close included
    settled_fen: int  # what redemptions settled to the merchant that day
    fee_fen: int  # the platform's fee on it


# A longer period is listed and totalled, not drawn day by day.
MAX_CHARTED_DAYS = 366


def statement_days(statement: Statement) -> list[StatementDay]:
    """Every day of the statement's period with what was redeemed on it (in the
    site's time zone, as the period's days are), for the statement's charts;
    none for a period longer than ``MAX_CHARTED_DAYS``. The database sums each
    day (one query)."""
    length = (statement.end - statement.start).days + 1
    if not 0 < length <= MAX_CHARTED_DAYS:
        return []
    sums = (
        statement.redemptions.order_by()
        .annotate(day=TruncDate("redeemed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            units=Sum("quantity"),
            settled_fen=Sum("amount_fen", filter=SETTLED_NOW, default=0),
            fee_fen=Sum(
                platform_fee_expression("amount_fen"), filter=SETTLED_NOW, default=0
            ),
        )
    )
    by_day = {row["day"]: StatementDay(**row) for row in sums}
    return [
        by_day.get(day) or StatementDay(day=day, units=0, settled_fen=0, fee_fen=0)
        for day in (statement.start + timedelta(days=n) for n in range(length))
    ]


def _local_time(moment: datetime) -> str:
    # In the site's time zone, to the second, as the orders' export writes it.
    return timezone.localtime(moment).isoformat(timespec="seconds")


# The columns of the statement's CSV (docs/coupons.md): names for scripts, in
# English as the orders' export's; values for the shop owner, in the reader's
# language, and money in yuan with two decimals (core.money).
CSV_HEADER = (
    "kind",
    "redeemed_at",
    "serial",
    "deal",
    "quantity",
    "amount_yuan",
    "fee_yuan",
    "channel",
    "branch",
    "note",
)


def _csv_redemption(redemption: Redemption) -> list:
    at_close = paid_at_close(redemption)
    amount = 0 if at_close else redemption.amount_fen
    return [
        _("Redemption"),
        _local_time(redemption.redeemed_at),
        redemption.coupon.serial,
        spreadsheet_cell(redemption.coupon.order.deal.title),
        redemption.quantity,
        format_fen_for_spreadsheet(amount),
        format_fen_for_spreadsheet(platform_fee_fen(amount)),
        redemption.get_channel_display(),
        spreadsheet_cell(redemption.branch.name if redemption.branch else ""),
        _("Paid when the deal closed: %(amount)s")
        % {"amount": format_fen(redemption.amount_fen)}
        if at_close
        else "",
    ]


def _csv_conflict(conflict: RedemptionConflict) -> list:
    note = conflict.reason_and_device
    if conflict.superseded_note:
        # Translated, so that each language joins them with its own semicolon.
        note = _("%(reason)s; %(note)s") % {
            "reason": note,
            "note": conflict.superseded_note,
        }
    return [
        _("Conflict"),
        _local_time(conflict.redeemed_at),
        conflict.coupon.serial,
        spreadsheet_cell(conflict.coupon.order.deal.title),
        conflict.quantity,
        format_fen_for_spreadsheet(0),
        format_fen_for_spreadsheet(0),
        Redemption.Channel.OFFLINE.label,
        spreadsheet_cell(conflict.branch_name),
        spreadsheet_cell(note),
    ]


def _csv_expiry(statement: Statement, expiry: CouponExpiry) -> list:
    fee_returned = 0
    if expiry.outcome == CouponExpiry.Outcome.PAID_MERCHANT:
        amount, fee = expiry.amount_fen, platform_fee_fen(expiry.amount_fen)
    elif expiry.outcome == CouponExpiry.Outcome.TAKEN_BACK:
        amount, fee = -statement.taken_back.get(expiry.pk, 0), 0
        fee_returned = statement.fee_returned_fen(expiry)
    else:
        amount = fee = 0
    return _csv_adjustment(
        _("Expired unredeemed"),
        expiry,
        expiry.settled_at,
        amount=amount,
        fee=fee,
        fee_returned=fee_returned,
    )


def _csv_refund(statement: Statement, refund: CouponRefund) -> list:
    fee_returned = 0
    if refund.outcome == CouponRefund.Outcome.TAKEN_BACK:
        amount, fee = -statement.refund_merchant_fen(refund), 0
        fee_returned = statement.refund_fee_returned_fen(refund)
    else:
        amount = fee = 0
    return _csv_adjustment(
        _("Refunded unused"),
        refund,
        refund.refunded_at,
        amount=amount,
        fee=fee,
        fee_returned=fee_returned,
    )


def _csv_adjustment(
    label: str, adjustment, when, *, amount: int, fee: int, fee_returned: int
) -> list:
    """A row for a coupon's units settled other than by redemption (an expiry,
    a refund): what the merchant's money moved by, and the outcome in words.

    A take-back moves the merchant's money by its part only (the platform
    returns its fee to the shopper): the row's amount is that part, its fee
    none, and the note says the whole refund and the fee returned, so that
    the columns add up to the statement's figures."""
    # Translated, so that Chinese joins them with a full-width colon.
    note = _("%(outcome)s: %(amount)s") % {
        "outcome": adjustment.get_outcome_display(),
        "amount": format_fen(adjustment.amount_fen),
    }
    if fee_returned:
        note = _("%(note)s, of which the platform's fee returned: %(fee)s") % {
            "note": note,
            "fee": format_fen(fee_returned),
        }
    return [
        label,
        _local_time(when),
        adjustment.coupon.serial,
        spreadsheet_cell(adjustment.coupon.order.deal.title),
        adjustment.quantity,
        format_fen_for_spreadsheet(amount),
        format_fen_for_spreadsheet(fee),
        "",
        "",
        spreadsheet_cell(note),
    ]


def _csv_total(statement: Statement) -> list:
    return [
        _("Total"),
        "",
        "",
        "",
        "",
        format_fen_for_spreadsheet(statement.total_fen),
        format_fen_for_spreadsheet(statement.fee_fen),
        "",
        "",
        _("Net: %(amount)s") % {"amount": format_fen(statement.net_fen)},
    ]


def statement_csv(statement: Statement) -> str:
    """Return the statement as CSV (``CSV_HEADER``), in the active language:
    every redemption, conflict, expiry and refund, then the totals."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    # Read a chunk at a time: a busy month's redemptions are not all held at once.
    writer.writerows(_csv_redemption(r) for r in statement.redemptions.iterator())
    writer.writerows(_csv_conflict(c) for c in statement.conflicts)
    writer.writerows(_csv_expiry(statement, e) for e in statement.expiries)
    writer.writerows(_csv_refund(statement, r) for r in statement.refunds)
    writer.writerow(_csv_total(statement))
    return out.getvalue()
