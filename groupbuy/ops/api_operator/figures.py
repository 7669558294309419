"""The operator dashboard's figures over the API: its headline figures now and
the platform's figures per day (its charts)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from groupbuy.escrow.selectors import platform_money_overview
from groupbuy.ops.selectors import shop_application_pending_count
from groupbuy.ops.stats import dashboard_headline, platform_daily_series

router = Router()  # tagged "operator" where the package mounts it


class OperatorDashboardOut(Schema):
    """The figures at the top of the operator dashboard, as its page shows them."""

    # group buys open now ("Open group buys")
    open_deals: int
    # open ones whose deadline is within the next 24 hours
    closing_within_24h: int
    # open ones past their deadline that the closing job has not closed yet
    overdue: int
    # orders joined since midnight, and since Monday's midnight ("Since
    # Monday"), in the display time zone
    orders_today: int
    orders_this_week: int
    # applications to open a shop waiting for an operator's answer
    shop_applications_pending: int
    # when the counts above were taken (they are live)
    counted_at: datetime
    # "Money held in escrow" and "Owed to merchants" in fen, as of
    # money_computed_at: the totals job sums them once a minute (the same as
    # GET /api/escrow/operator/money)
    shopper_held_fen: int
    merchant_payable_fen: int
    money_computed_at: datetime


@router.get("/dashboard", response=OperatorDashboardOut)
def dashboard(request):
    """Return the operator dashboard's headline figures: live counts of group
    buys, orders and shop applications, and the money held and owed in fen
    (operators only)."""
    now = timezone.now()
    headline = dashboard_headline(user=request.auth, now=now)
    money = platform_money_overview(user=request.auth)
    return {
        **headline,
        "shop_applications_pending": shop_application_pending_count(user=request.auth),
        "counted_at": now,
        "shopper_held_fen": money["shopper_held_fen"],
        "merchant_payable_fen": money["merchant_payable_fen"],
        "money_computed_at": money["totals_computed_at"],
    }


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
    days: int = Field(
        14, description="This many days up to today, 1 to 90 (else a 400 `invalid`)."
    )


@router.get("/stats/daily", response=OperatorDailyOut)
def stats_daily(request, params: Query[OperatorDaysIn]):
    """Return the platform's figures per day, oldest first (operators only):
    the last ``days`` (1 to 90) up to today."""
    series = platform_daily_series(user=request.auth, days=params.days)
    return {"computed_at": series.computed_at, "days": series.rows}
