"""The platform's figures per day, for the operator dashboard's charts.

Why a job and not counters moved in every transaction: the figures come from
the busiest writes on the platform (joins, captures, refunds). A per-day row
updated by each of them would be one hot row that every join on every deal
queues on (the very thing issue 8 removed from money movement), and every
service would have to remember to move it. Instead the job every five minutes
recomputes *today and yesterday* from the source tables with range queries on
their time columns and stores one row per day (``PlatformDailyStats``); days
before are never recomputed because every figure counts events by the time they
happened, and a past day's events do not change. Yesterday is recomputed for a
whole day so that a transaction that committed just after midnight still lands.
The dashboard reads a month of rows in one query: constant at any data size; the
cost is that today's figures may be up to five minutes old (the page says when
they were computed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import PlatformDailyStats

# Money that pays for an order: a deal order's payment or a team member's.
ORDER_PAYMENT_PURPOSES = ("deals.order", "teams.member")
# How far back a missing day is filled in (a new install, a stopped worker).
BACKFILL_DAYS = 30
FIGURES = (
    "deals_opened",
    "deals_succeeded",
    "deals_failed",
    "orders_joined",
    "gmv_fen",
    "refunds",
    "refunded_fen",
    "demand_requests",
    "demand_alerts",
    "snaps_at_once",
    "snaps_corrected",
    "snaps_chosen",
    "snaps_waiting",
    "snaps_unrecognised",
    "snaps_labelled",
)


def local_today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the aware start and end of a calendar day in the display zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


def daily_figures_compute(day: date) -> dict[str, int]:
    """Return the platform's figures for ``day`` counted from the source tables."""
    from groupbuy.deals.models import Deal, DealOrder
    from groupbuy.escrow.models import PaymentIntent, Refund
    from groupbuy.snap.models import DemandRequest, DemandSignal, Snap
    from groupbuy.snap.services.labels import UPHELD_KEY
    from groupbuy.snap.services.snaps import CORRECTED_KEY

    start, end = day_bounds(day)
    closed = Deal.objects.filter(closed_at__gte=start, closed_at__lt=end).aggregate(
        succeeded=Count("id", filter=Q(final_price_fen__isnull=False)),
        failed=Count("id", filter=Q(final_price_fen__isnull=True)),
    )
    refunds = Refund.objects.filter(created_at__gte=start, created_at__lt=end)
    refunded = refunds.aggregate(n=Count("id"), fen=Sum("amount_fen"))
    answered = Snap.Status
    chosen = Q(result__has_key="chosen")
    # Named at once, then the shopper named another product or none: whatever
    # the snap's status now, the recogniser's answer was wrong (unless an
    # operator's label then upheld it).
    corrected = Q(result__has_key=CORRECTED_KEY)
    upheld = Q(status=answered.LABELLED, result__has_key=UPHELD_KEY)
    snaps = Snap.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        at_once=Count("id", filter=(Q(status=answered.RECOGNISED) & ~chosen) | upheld),
        corrected=Count("id", filter=corrected),
        chosen=Count("id", filter=Q(status=answered.RECOGNISED) & chosen & ~corrected),
        waiting=Count("id", filter=Q(status=answered.UNCONFIRMED)),
        unrecognised=Count("id", filter=Q(status=answered.NOT_RECOGNISED) & ~corrected),
        labelled=Count("id", filter=Q(status=answered.LABELLED) & ~corrected & ~upheld),
    )
    captured = PaymentIntent.objects.filter(
        succeeded_at__gte=start,
        succeeded_at__lt=end,
        purpose__in=ORDER_PAYMENT_PURPOSES,
    ).aggregate(fen=Sum("amount_fen"))
    return {
        "deals_opened": Deal.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(state=Deal.State.DRAFT)
        .count(),
        "deals_succeeded": closed["succeeded"],
        "deals_failed": closed["failed"],
        "orders_joined": DealOrder.objects.filter(
            joined_at__gte=start, joined_at__lt=end
        ).count(),
        "gmv_fen": captured["fen"] or 0,
        "refunds": refunded["n"],
        "refunded_fen": refunded["fen"] or 0,
        "demand_requests": DemandRequest.objects.filter(
            first_snapped_at__gte=start, first_snapped_at__lt=end
        ).count(),
        "demand_alerts": DemandSignal.objects.filter(
            operators_alerted_at__gte=start, operators_alerted_at__lt=end
        ).count(),
        **{f"snaps_{outcome}": count for outcome, count in snaps.items()},
    }


def _store(day: date, figures: dict[str, int], now: datetime) -> None:
    values = {**figures, "computed_at": now}
    if PlatformDailyStats.objects.filter(day=day).update(**values):
        return
    try:
        with transaction.atomic():
            PlatformDailyStats.objects.create(day=day, **values)
    except IntegrityError:
        # Another run created the day meanwhile; ours is as fresh.
        PlatformDailyStats.objects.filter(day=day).update(**values)


def platform_daily_stats_refresh(*, now: datetime | None = None) -> list[date]:
    """Recompute today and yesterday, fill in missing days; return the days."""
    now = now or timezone.now()
    today = local_today(now)
    window = [today - timedelta(days=back) for back in range(BACKFILL_DAYS)]
    stored = set(
        PlatformDailyStats.objects.filter(day__gte=window[-1]).values_list(
            "day", flat=True
        )
    )
    due = [day for day in window if day >= today - timedelta(days=1)]
    due += [day for day in window[2:] if day not in stored]
    for day in sorted(due):
        _store(day, daily_figures_compute(day), now)
    return sorted(due)


@dataclass(frozen=True)
class DailySeries:
    days: list[date]
    rows: list[PlatformDailyStats]
    computed_at: datetime | None

    def values(self, *figures: str) -> list[int]:
        """Each day's figure, or the sum of ``figures`` when several are named."""
        return [sum(getattr(row, figure) for figure in figures) for row in self.rows]

    @property
    def success_rates(self) -> list[float | None]:
        return [row.success_rate for row in self.rows]


# The longest series asked for at once: a quarter's figures, one small query.
MAX_SERIES_DAYS = 90


def platform_daily_series(*, user, days: int = 14) -> DailySeries:
    """Return the last ``days`` days of figures, oldest first (operators only).

    A day the job has not stored yet shows zeros.
    """
    if not getattr(user, "is_staff", False):
        raise OpsError(
            "forbidden", _("Only operators can see the platform's figures."), status=403
        )
    if not 1 <= days <= MAX_SERIES_DAYS:
        message = _("Choose from %(fewest)d to %(most)d days.") % {
            "fewest": 1,
            "most": MAX_SERIES_DAYS,
        }
        raise OpsError("invalid", message, fields={"days": [message]})
    today = local_today()
    wanted = [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
    stored = {
        row.day: row
        for row in PlatformDailyStats.objects.filter(day__gte=wanted[0], day__lte=today)
    }
    rows = [stored.get(day) or PlatformDailyStats(day=day) for day in wanted]
    latest = stored.get(today) or stored.get(today - timedelta(days=1))
    return DailySeries(
        days=wanted, rows=rows, computed_at=latest.computed_at if latest else None
    )


def dashboard_headline(*, user, now: datetime | None = None) -> dict[str, int]:
    """Return the dashboard's live figures (operators only).

    Each is one count over an index (deals by state and deadline, orders by
    join time since midnight and since Monday's midnight), never a scan of the
    orders table.
    """
    from groupbuy.deals.models import Deal, DealOrder

    if not getattr(user, "is_staff", False):
        raise OpsError(
            "forbidden", _("Only operators can see the platform's figures."), status=403
        )
    now = now or timezone.now()
    open_deals = Deal.objects.filter(state=Deal.State.OPEN)
    today = local_today(now)
    today_start, _end = day_bounds(today)
    week_start, _end = day_bounds(today - timedelta(days=today.weekday()))
    # Today's and the week's orders in one count over the week's join times
    # (the dashboard reads as many queries as before the week's was added).
    # Beside today's: the charts compare days, this the week so far (from
    # Monday, as the display zone's calendar has it).
    orders = DealOrder.objects.filter(
        joined_at__gte=week_start, joined_at__lte=now
    ).aggregate(
        this_week=Count("pk"), today=Count("pk", filter=Q(joined_at__gte=today_start))
    )
    return {
        "open_deals": open_deals.count(),
        "closing_within_24h": open_deals.filter(
            deadline_at__gt=now, deadline_at__lte=now + timedelta(hours=24)
        ).count(),
        "overdue": open_deals.filter(deadline_at__lte=now).count(),
        "orders_today": orders["today"],
        "orders_this_week": orders["this_week"],
    }
