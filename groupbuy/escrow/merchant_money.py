"""A merchant's money over a period: its payable's balance at the start, the
lines that moved it, and its balance at the end, for the shop to reconcile.

A period is days in the display time zone (Asia/Shanghai, ``core.days``), from
the start of its first day to the start of the day after its last; a line is in
it by when its posting was made. The balances are sums of the payable's ledger
entries posted before each edge, read independently of the lines, so that
closing = opening + the lines is something the ledger shows, not something
this module assumes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.days import day_range_errors, days_window
from groupbuy.core.pagination import PageResult
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import LedgerAccount, LedgerEntry
from groupbuy.escrow.selectors import (
    LedgerLine,
    _check_merchant_money_reader,
    _ledger_lines,
    ledger_lines_in_order,
)

# As the sales page limits its period (its 92 days): a year, leap day included.
MOST_MONEY_DAYS = 366


@dataclass
class MerchantMoneyPeriod:
    date_from: date | None  # None with date_to: the whole history
    date_to: date | None
    opening_fen: int  # the payable's balance at the start of date_from
    closing_fen: int  # ... at the end of date_to (now, for the whole history)
    lines: PageResult  # of LedgerLine, newest first


def money_period(
    date_from: date | None, date_to: date | None, *, today: date | None = None
) -> tuple[date | None, date | None]:
    """Return the period asked for: neither day is the whole history (what the
    page showed before it had a period); a lone end starts on the first day of
    its month, a lone start ends today. Refused (``EscrowError``
    invalid_date, on its field): a day outside the platform's calendar, an end
    before the start, a period longer than MOST_MONEY_DAYS."""
    if errors := day_range_errors(date_from=date_from, date_to=date_to):
        raise EscrowError(
            "invalid_date",
            _("Choose the days again: one is outside the calendar."),
            fields=errors,
        )
    if date_from is None and date_to is None:
        return None, None
    date_to = date_to or today or timezone.localdate()
    date_from = date_from or date_to.replace(day=1)
    if date_from > date_to:
        message = _("The end date is before the start date.")
        raise EscrowError("invalid_date", message, fields={"date_to": [message]})
    if (days := (date_to - date_from).days + 1) > MOST_MONEY_DAYS:
        message = _(
            "Choose a period of at most %(most)s days (this one has %(days)s)."
        ) % {"most": MOST_MONEY_DAYS, "days": days}
        raise EscrowError("invalid_date", message, fields={"date_from": [message]})
    return date_from, date_to


def _payable(merchant) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant=merchant
    ).first()


def _window(date_from, date_to) -> tuple[datetime | None, datetime | None]:
    if date_from is None:
        return None, None
    return days_window(date_from, date_to)


def _balance_before(account, moment: datetime | None) -> int:
    """The account's balance from the entries posted before ``moment`` (every
    entry when None)."""
    if account is None:
        return 0
    entries = LedgerEntry.objects.filter(account=account)
    if moment is not None:
        entries = entries.filter(transaction__created_at__lt=moment)
    return entries.aggregate(total=Sum("amount_fen"))["total"] or 0


def merchant_money_for_period(
    *,
    user,
    merchant,
    date_from: date | None,
    date_to: date | None,
    page: int = 1,
    page_size: int | None = None,
) -> MerchantMoneyPeriod:
    """Return the merchant's payable over the period ``money_period`` made of
    ``date_from`` and ``date_to``: opening and closing balances and a page of
    its lines (its owners and operators only; 403 for anyone else)."""
    _check_merchant_money_reader(user=user, merchant=merchant)
    date_from, date_to = money_period(date_from, date_to)
    since, until = _window(date_from, date_to)
    account = _payable(merchant)
    lines = _ledger_lines(
        account,
        page=page,
        page_size=page_size,
        for_merchant=True,
        since=since,
        until=until,
    )
    return MerchantMoneyPeriod(
        date_from=date_from,
        date_to=date_to,
        opening_fen=_balance_before(account, since) if since else 0,
        closing_fen=_balance_before(account, until),
        lines=lines,
    )


def merchant_daily_balances(
    *, user, merchant, period: MerchantMoneyPeriod
) -> list[tuple[date, int]]:
    """The payable's balance at the end of each day of ``period``, from its
    opening balance (the money page's chart); none for the whole history,
    which has no days to count. Its owners and operators only (403)."""
    _check_merchant_money_reader(user=user, merchant=merchant)
    if period.date_from is None:
        return []
    account = _payable(merchant)
    since, until = _window(period.date_from, period.date_to)
    moved: dict[date, int] = defaultdict(int)
    if account is not None:
        entries = LedgerEntry.objects.filter(
            account=account,
            transaction__created_at__gte=since,
            transaction__created_at__lt=until,
        ).values_list("transaction__created_at", "amount_fen")
        for created_at, amount_fen in entries:
            moved[timezone.localdate(created_at)] += amount_fen
    balance, balances = period.opening_fen, []
    for offset in range((period.date_to - period.date_from).days + 1):
        day = period.date_from + timedelta(days=offset)
        balance += moved[day]
        balances.append((day, balance))
    return balances


def merchant_money_lines_for_period(
    *, user, merchant, date_from: date | None, date_to: date | None
) -> tuple[MerchantMoneyPeriod, list[LedgerLine]]:
    """Return the period's balances (with an empty page) and all its lines,
    oldest first, for its CSV (its owners and operators only)."""
    period = merchant_money_for_period(
        user=user, merchant=merchant, date_from=date_from, date_to=date_to
    )
    since, until = _window(period.date_from, period.date_to)
    lines = ledger_lines_in_order(
        _payable(merchant), for_merchant=True, since=since, until=until
    )
    return period, lines


def period_start(day: date) -> datetime:
    """The first moment of ``day`` in the display time zone (the CSV's opening)."""
    return days_window(day, day)[0]


def period_end(day: date) -> datetime:
    """The last second of ``day`` in the display time zone (its closing)."""
    return days_window(day, day)[1] - timedelta(seconds=1)
