"""Reads of snap: one's own snaps, the demand ranking, the unrecognised queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.selectors import (
    category_demand_threshold,
    category_demand_thresholds,
)
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap
from groupbuy.snap.permissions import can_see_snap, require_operator
from groupbuy.snap.services.demand import threshold_is_passed

SPARKLINE_DAYS = 14


def _not_found() -> SnapError:
    return SnapError("not_found", _("No such snap."), status=404)


def snap_get_for_user(*, user, snap_id: str) -> Snap:
    """Return a snap its taker or an operator may see; others get a 404."""
    snap = (
        Snap.objects.select_related("product", "product__category", "category")
        .filter(public_id=snap_id)
        .first()
    )
    if snap is None or not can_see_snap(user, snap):
        # Whether someone else's snap exists is none of the asker's business.
        raise _not_found()
    return snap


def snap_get_for_chooser(*, user, snap_id: str) -> Snap:
    """Return a snap whose shopper may say which alternative is right: their own,
    or an anonymous one (its unguessable id is the key)."""
    snap = Snap.objects.select_related("product").filter(public_id=snap_id).first()
    if snap is None or (snap.user_id is not None and not can_see_snap(user, snap)):
        raise _not_found()
    return snap


def snap_get_for_operator(*, user, snap_id: str) -> Snap:
    require_operator(user)
    return snap_get_for_user(user=user, snap_id=snap_id)


def snaps_of_user(*, user, page=1, page_size=None) -> PageResult:
    snaps = Snap.objects.filter(user=user).select_related("product", "category")
    return paginate(
        snaps.order_by("-created_at", "-id"), page=page, page_size=page_size
    )


def unrecognised_queue(*, user, page=1, page_size=None) -> PageResult:
    """Return unrecognised snaps that still have their photo, newest first."""
    require_operator(user)
    snaps = (
        Snap.objects.filter(status=Snap.Status.NOT_RECOGNISED)
        .exclude(photo="")
        .select_related("category", "user")
        .order_by("-created_at", "-id")
    )
    return paginate(snaps, page=page, page_size=page_size)


def unrecognised_count() -> int:
    return (
        Snap.objects.filter(status=Snap.Status.NOT_RECOGNISED).exclude(photo="").count()
    )


@dataclass
class DemandRow:
    """One product on the operator's demand ranking."""

    signal: DemandSignal
    threshold: int
    daily: list[tuple[date, int]] = field(default_factory=list)

    @property
    def product(self):
        return self.signal.product

    @property
    def is_over_threshold(self) -> bool:
        return threshold_is_passed(count=self.signal.count, threshold=self.threshold)

    @property
    def daily_counts(self) -> list[int]:
        return [count for _day, count in self.daily]


def open_demand_signals() -> QuerySet[DemandSignal]:
    return (
        DemandSignal.objects.filter(fulfilled_at__isnull=True, product__is_active=True)
        .select_related("product", "product__category")
        .order_by("-count", "-last_requested_at", "-id")
    )


def demand_ranking(
    *,
    user,
    page=1,
    page_size: int | None = None,
    over_threshold_only: bool = False,
    days: int = SPARKLINE_DAYS,
) -> PageResult:
    """Return products by demand (most requesters first), each a ``DemandRow``
    with its new requesters per day over the last ``days`` days."""
    require_operator(user)
    signals = open_demand_signals()
    if over_threshold_only:
        signals = signals.filter(threshold_passed_at__isnull=False)
    # Each row shows its product's photo (``answers.product_payload``).
    signals = signals.prefetch_related("product__images")
    result = paginate(signals, page=page, page_size=page_size)
    result.items = demand_rows(result.items, days=days)
    return result


def demand_rows(signals: list[DemandSignal], *, days: int) -> list[DemandRow]:
    # Every category's threshold in one query, not each row's ancestors.
    thresholds = category_demand_thresholds() if signals else {}
    rows = []
    for signal in signals:
        category = signal.product.category
        threshold = thresholds.get(category.pk) if category else None
        if threshold is None:
            threshold = category_demand_threshold(category=category)
        rows.append(DemandRow(signal=signal, threshold=threshold))
    _add_daily_counts(rows, days=days)
    return rows


def _add_daily_counts(rows: list[DemandRow], *, days: int) -> None:
    """Count new requesters per local day, in one query for the whole page."""
    if not rows:
        return
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first_day, time.min), zone)
    counts = (
        DemandRequest.objects.filter(
            signal__in=[row.signal.pk for row in rows], first_snapped_at__gte=since
        )
        .annotate(day=TruncDate("first_snapped_at", tzinfo=zone))
        .values("signal_id", "day")
        .annotate(requests=Count("id"))
    )
    by_signal: dict[int, dict[date, int]] = {}
    for entry in counts:
        by_signal.setdefault(entry["signal_id"], {})[entry["day"]] = entry["requests"]
    for row in rows:
        per_day = by_signal.get(row.signal.pk, {})
        row.daily = [
            (
                first_day + timedelta(days=n),
                per_day.get(first_day + timedelta(days=n), 0),
            )
            for n in range(days)
        ]


def demand_signal_for_product(*, user, product) -> DemandRow | None:
    """Return the product's open demand (for the launch form), or None."""
    require_operator(user)
    signal = open_demand_signals().filter(product=product).first()
    if signal is None:
        return None
    return demand_rows([signal], days=SPARKLINE_DAYS)[0]


def demand_alert_count() -> int:
    """Return how many products passed their threshold and wait for a deal."""
    return DemandSignal.objects.filter(
        fulfilled_at__isnull=True, threshold_passed_at__isnull=False
    ).count()


def demand_request_of(*, user, product) -> DemandRequest | None:
    """Return ``user``'s request in the product's open demand signal, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        DemandRequest.objects.select_related("signal")
        .filter(user=user, signal__product=product, signal__fulfilled_at__isnull=True)
        .first()
    )
