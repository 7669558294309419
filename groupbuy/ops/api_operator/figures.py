"""The operator dashboard's figures over the API: the platform's figures per
day (its charts)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Query, Router, Schema

from groupbuy.ops.stats import platform_daily_series

router = Router()  # tagged "operator" where the package mounts it


class OperatorDayOut(Schema):
    day: date
    deals_opened: int
    deals_succeeded: int
    deals_failed: int
    success_rate: float | None
    orders_joined: int
    gmv_fen: int
    refunds: int
    refunded_fen: int
    demand_requests: int
    demand_alerts: int
    # the day's snaps by how their answer stands (docs/operations.md)
    snaps_at_once: int = 0
    snaps_corrected: int = 0
    snaps_chosen: int = 0
    snaps_waiting: int = 0
    snaps_unrecognised: int = 0
    snaps_labelled: int = 0


class OperatorDailyOut(Schema):
    computed_at: datetime | None
    days: list[OperatorDayOut]


class OperatorDaysIn(Schema):
    days: int = 14


@router.get("/stats/daily", response=OperatorDailyOut)
def stats_daily(request, params: Query[OperatorDaysIn]):
    """Return the platform's figures per day, oldest first (operators only):
    the last ``days`` (1 to 90) up to today."""
    series = platform_daily_series(user=request.auth, days=params.days)
    return {"computed_at": series.computed_at, "days": series.rows}
