"""The platform's fee income over a period, for its operators: what the
platform-revenue account took in (fees, and deposits a rule kept for the
platform), what it gave back when money went back to shoppers (the fee's part
of a coupon refund or an expiry's refund, a redemption reversed), and the net,
by day or month and by the merchant whose sale each line came from.

Every figure is a sum of the platform-revenue account's ledger entries posted
in the period (days in the display time zone, as a shop's money page reads
them: ``merchant_money.money_period``): earned is the sum of its credits,
returned that of its debits, net their sum, so net is what the ledger moved.
A line's merchant is the one whose account the same ledger transaction moved
(its payable or pending account); a line that moved no merchant's money (a
deposit kept for the platform) is counted under no merchant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import is_operator
from groupbuy.core.days import days_window
from groupbuy.core.errors import NotFound
from groupbuy.escrow.merchant_money import money_period
from groupbuy.escrow.models import LedgerAccount, LedgerEntry

# A period up to this many days is charted by day, a longer one by month.
MOST_DAYS_CHARTED_BY_DAY = 62


@dataclass
class FeeFigures:
    earned_fen: int = 0  # credits to platform revenue
    returned_fen: int = 0  # its debits, as a positive amount

    @property
    def net_fen(self) -> int:
        return self.earned_fen - self.returned_fen

    def add(self, earned_fen: int, returned_fen: int) -> None:
        self.earned_fen += earned_fen
        self.returned_fen += returned_fen


@dataclass
class MerchantFees(FeeFigures):
    merchant_id: str = ""  # public id; "" for lines that moved no merchant's money
    merchant_name: str = ""


@dataclass
class BucketFees(FeeFigures):
    start: date | None = None  # the day, or the first day of the month


@dataclass
class DayMerchantFees(FeeFigures):
    day: date | None = None
    merchant_id: str = ""
    merchant_name: str = ""


@dataclass
class PlatformFees:
    date_from: date
    date_to: date
    by: str  # "day" or "month": what each bucket is
    total: FeeFigures
    buckets: list[BucketFees]  # every day (or month) of the period, oldest first
    merchants: list[MerchantFees]  # largest net first; no merchant last
    rows: list[DayMerchantFees] = field(default_factory=list)  # for the CSV


def _check_operator(user) -> None:
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))


def fees_period(
    date_from: date | None, date_to: date | None, *, today: date | None = None
) -> tuple[date, date]:
    """The period asked for, read as a shop's money period is (refused alike,
    ``EscrowError`` invalid_date on its field); with neither day, this month
    so far."""
    today = today or timezone.localdate()
    if date_from is None and date_to is None:
        date_to = today
    return money_period(date_from, date_to, today=today)


def _merchant_of_transaction():
    """The merchant whose account the entry's transaction moved, if any."""
    return Subquery(
        LedgerEntry.objects.filter(
            transaction_id=OuterRef("transaction_id"),
            account__merchant__isnull=False,
        )
        .order_by("account_id")
        .values("account__merchant_id")[:1]
    )


def _day_merchant_sums(since, until):
    zone = timezone.get_current_timezone()
    return (
        LedgerEntry.objects.filter(
            account__kind=LedgerAccount.Kind.PLATFORM_REVENUE,
            transaction__created_at__gte=since,
            transaction__created_at__lt=until,
        )
        .annotate(
            day=TruncDate("transaction__created_at", tzinfo=zone),
            merchant=_merchant_of_transaction(),
        )
        .values("day", "merchant")
        .annotate(
            earned=Sum(
                Case(
                    When(Q(amount_fen__gt=0), then="amount_fen"),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
            returned=Sum(
                Case(
                    When(Q(amount_fen__lt=0), then="amount_fen"),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
        )
        .order_by("day", "merchant")
    )


def _buckets(date_from: date, date_to: date, by: str) -> dict[date, BucketFees]:
    buckets, day = {}, date_from
    while day <= date_to:
        start = day if by == "day" else day.replace(day=1)
        buckets.setdefault(start, BucketFees(start=start))
        day = date.fromordinal(day.toordinal() + 1)
    return buckets


def platform_fees_for_period(
    *, user, date_from: date | None, date_to: date | None
) -> PlatformFees:
    """Return the platform's fee income over the period ``fees_period`` makes of
    ``date_from`` and ``date_to``: totals, by day (or month) and by merchant
    (operators only; anyone else 404, as the operator's money pages)."""
    _check_operator(user)
    date_from, date_to = fees_period(date_from, date_to)
    days = (date_to - date_from).days + 1
    by = "day" if days <= MOST_DAYS_CHARTED_BY_DAY else "month"
    sums = list(_day_merchant_sums(*days_window(date_from, date_to)))
    merchants = Merchant.objects.in_bulk({row["merchant"] for row in sums} - {None})
    total, buckets = FeeFigures(), _buckets(date_from, date_to, by)
    by_merchant: dict[int | None, MerchantFees] = {}
    rows = []
    for row in sums:
        earned, returned = row["earned"] or 0, -(row["returned"] or 0)
        merchant = merchants.get(row["merchant"])
        public_id = merchant.public_id if merchant else ""
        name = merchant.display_name if merchant else ""  # in the reader's language
        total.add(earned, returned)
        day = row["day"]
        buckets[day if by == "day" else day.replace(day=1)].add(earned, returned)
        by_merchant.setdefault(
            row["merchant"], MerchantFees(merchant_id=public_id, merchant_name=name)
        ).add(earned, returned)
        rows.append(
            DayMerchantFees(
                earned_fen=earned,
                returned_fen=returned,
                day=day,
                merchant_id=public_id,
                merchant_name=name,
            )
        )
    return PlatformFees(
        date_from=date_from,
        date_to=date_to,
        by=by,
        total=total,
        buckets=list(buckets.values()),
        merchants=sorted(
            by_merchant.values(),
            key=lambda fees: (not fees.merchant_id, -fees.net_fen, fees.merchant_name),
        ),
        rows=rows,
    )
