"""Reads of the payments app: payouts for operators and for a merchant's owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import (
    is_merchant_owner,
    is_operator,
    require_merchant_money_reader,
)
from groupbuy.catalog.selectors import merchant_owners_prefetch
from groupbuy.core.days import days_window
from groupbuy.core.errors import NotFound
from groupbuy.escrow.ledger import with_balances
from groupbuy.escrow.merchant_money import money_period
from groupbuy.escrow.models import LedgerAccount
from groupbuy.payments.models import Payout, PayoutSchedule, StatementDifference


def payouts_for_operator(*, user) -> QuerySet[Payout]:
    """Every payout, newest first (operators only)."""
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return Payout.objects.select_related("merchant")


def payables_for_operator(*, user) -> QuerySet[LedgerAccount]:
    """The merchants' payable accounts that hold money, largest first, each
    with ``current_balance_fen``, its merchant, the merchant's payout schedule
    and its owners (``merchant.owner_memberships``, how the operator tells the
    shop apart) (operators only): what a payout is approved from."""
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    accounts = LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant__isnull=False
    )
    pending = Payout.objects.filter(
        merchant_id=OuterRef("merchant_id"), status=Payout.Status.PENDING
    )
    return (
        with_balances(accounts)
        .filter(current_balance_fen__gt=0)
        .annotate(has_pending_payout=Exists(pending))
        .select_related("merchant", "merchant__payout_schedule")
        .prefetch_related(merchant_owners_prefetch(through="merchant__"))
        .order_by("-current_balance_fen", "pk")
    )


# Why the daily run will not pay a payable out (``daily_payout_held``).
HELD_SHOP_SWITCHED_OFF = "shop_switched_off"
HELD_PAYOUT_ON_ITS_WAY = "payout_on_its_way"
HELD_BELOW_MINIMUM = "below_minimum"


def daily_payout_held(account) -> str:
    """Say why the daily run will not pay out ``account`` (a row of
    ``payables_for_operator``), as ``payments.payouts.payouts_schedule_run``
    decides: "" when it will, or when the shop has no daily payout."""
    merchant = account.merchant
    schedule = getattr(merchant, "payout_schedule", None)
    if schedule is None or not schedule.enabled:
        return ""
    if not merchant.is_active:
        return HELD_SHOP_SWITCHED_OFF
    if account.has_pending_payout:
        return HELD_PAYOUT_ON_ITS_WAY
    if account.current_balance_fen < schedule.minimum_fen:
        return HELD_BELOW_MINIMUM
    return ""


def differences_for_operator(*, user) -> QuerySet[StatementDifference]:
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return StatementDifference.objects.order_by("-day", "provider", "pk")


def check_payout_reader(*, user, merchant) -> None:
    """Let the merchant's owners and operators through; refuse anyone else
    (its cashiers, another shop's staff, shoppers) 403 with the owners' error,
    as every owners-only endpoint of a merchant does (the shop's money is its
    owners'). An unknown merchant is 404 (``merchant_get_for_payouts``)."""
    if is_merchant_owner(user, merchant) or is_operator(user):
        return
    require_merchant_money_reader(user, merchant)


def payee_account_in_full_for(*, user, merchant) -> bool:
    """Say whether ``user`` reads the merchant's payee accounts in full in
    lists: its owners (their own account) do; operators read ``****1234``
    (an operator who owns the shop is its owner here)."""
    return MerchantMembership.objects.filter(
        user_id=getattr(user, "pk", None),
        merchant=merchant,
        role=MerchantMembership.Role.OWNER,
    ).exists()


def merchant_get_for_payouts(*, user, merchant_id: str) -> Merchant:
    """Return the merchant if ``user`` is one of its owners or an operator;
    anyone else 403 (``check_payout_reader``); no such merchant 404."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    check_payout_reader(user=user, merchant=merchant)
    return merchant


def payouts_for_merchant(*, merchant) -> QuerySet[Payout]:
    """The merchant's payouts, newest first (check access with
    ``merchant_get_for_payouts`` first: its owners and operators)."""
    return Payout.objects.filter(merchant=merchant).select_related("merchant")


def merchant_has_payout_schedule(*, merchant) -> bool:
    """Say whether the merchant chose where its daily payout goes (a yes or no
    names no account: its console's overview asks its owners until it has)."""
    return PayoutSchedule.objects.filter(merchant=merchant).exists()


def payout_schedule_get(*, user, merchant) -> PayoutSchedule | None:
    """The merchant's payout schedule, for whoever may set it (its owners and
    operators): it names the account the money goes to. Anyone else 403
    (``check_payout_reader``)."""
    check_payout_reader(user=user, merchant=merchant)
    return PayoutSchedule.objects.filter(merchant=merchant).first()


# A period of at most this many days is summed a week at a time (weeks start
# on Monday); a longer one (up to the money page's year) a month at a time.
WEEKS_UP_TO_DAYS = 92
WEEK, MONTH = "week", "month"


@dataclass(frozen=True)
class PaidOut:
    """What reached the shop's account in one week or month of a period: its
    first and last days in the period, the amount and how many payouts."""

    start: date
    end: date
    amount_fen: int
    payouts: int


@dataclass(frozen=True)
class PaidOverTime:
    date_from: date
    date_to: date
    unit: str  # WEEK or MONTH
    periods: list[PaidOut]

    @property
    def total_fen(self) -> int:
        return sum(period.amount_fen for period in self.periods)


def _first_day(day: date, unit: str) -> date:
    """The first day of the week or month ``day`` is in."""
    return day - timedelta(days=day.weekday()) if unit == WEEK else day.replace(day=1)


def _next_start(day: date, unit: str) -> date:
    """The first day of the week or month after the one ``day`` is in."""
    if unit == WEEK:
        return _first_day(day, unit) + timedelta(days=7)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _spans(date_from: date, date_to: date, unit: str) -> list[tuple[date, date]]:
    spans, start = [], date_from
    while start <= date_to:
        after = _next_start(start, unit)
        spans.append((start, min(date_to, after - timedelta(days=1))))
        start = after
    return spans


def payouts_chart_period(
    date_from: date | None, date_to: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """Return the period the payouts chart shows: by default the twelve weeks
    to today, this one included; otherwise as the money page reads its days
    (``escrow.merchant_money.money_period``, which refuses a period it cannot
    read with ``EscrowError`` invalid_date, on its field)."""
    if date_from is None and date_to is None:
        today = today or timezone.localdate()
        return _first_day(today, WEEK) - timedelta(weeks=11), today
    return money_period(date_from, date_to, today=today)


def payouts_paid_over_time(
    *, user, merchant, date_from: date, date_to: date
) -> PaidOverTime:
    """Return what the merchant's payouts paid into its account from
    ``date_from`` to ``date_to`` (days in the display time zone, each payout on
    the day it was paid), a week at a time, or a month at a time past
    WEEKS_UP_TO_DAYS; refused and pending payouts paid nothing. Its owners
    and operators only (403, ``check_payout_reader``)."""
    check_payout_reader(user=user, merchant=merchant)
    since, until = days_window(date_from, date_to)
    paid_on = (
        Payout.objects.filter(merchant=merchant, status=Payout.Status.SUCCEEDED)
        .annotate(paid_at=Coalesce("confirmed_at", "created_at"))
        .filter(paid_at__gte=since, paid_at__lt=until)
        .annotate(day=TruncDate("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(amount_fen=Sum("amount_fen"), payouts=Count("pk"))
        .order_by()
    )
    unit = WEEK if (date_to - date_from).days < WEEKS_UP_TO_DAYS else MONTH
    spans = _spans(date_from, date_to, unit)
    sums = {start: [0, 0] for start, _end in spans}
    for row in paid_on:
        start = max(date_from, _first_day(row["day"], unit))
        sums[start][0] += row["amount_fen"]
        sums[start][1] += row["payouts"]
    periods = [PaidOut(start, end, *sums[start]) for start, end in spans]
    return PaidOverTime(date_from, date_to, unit, periods)
