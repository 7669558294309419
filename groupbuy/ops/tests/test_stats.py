from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_close, deal_settle
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_product
from groupbuy.escrow.tests.factories import make_user
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import PlatformDailyStats
from groupbuy.ops.stats import (
    BACKFILL_DAYS,
    daily_figures_compute,
    dashboard_headline,
    local_today,
    platform_daily_series,
    platform_daily_stats_refresh,
)
from groupbuy.snap.models import Snap
from groupbuy.snap.services.demand import demand_record

pytestmark = pytest.mark.django_db


def _deal_opened_now(**fields):
    # The factory's deals started an hour ago: in the hour after midnight in
    # the display zone (16:00-17:00 UTC for Shanghai) that is the day before.
    return make_deal(starts_in=timedelta(0), **fields)


def test_a_day_counts_its_deals_orders_payments_refunds_and_demand():
    # given: two deals, one succeeds (2 buyers), one fails (1 buyer, refunded)
    succeeded = _deal_opened_now(title="Tea")
    failed = _deal_opened_now(title="Rice")
    for _ in range(2):
        join_and_pay(succeeded)
    join_and_pay(failed)
    deal_settle(deal=deal_close(deal=succeeded, force=True))
    deal_settle(deal=deal_close(deal=failed, force=True, fail=True))
    wanted = make_product(name_zh="碧螺春", name_en="Biluochun")
    for _ in range(3):
        demand_record(actor=make_user(), product=wanted)
    # when
    figures = daily_figures_compute(local_today())
    # then
    assert figures == {
        "deals_opened": 2,
        "deals_succeeded": 1,
        "deals_failed": 1,
        "orders_joined": 3,
        "gmv_fen": 3 * 9_900,
        "refunds": 1,
        "refunded_fen": 9_900,
        "demand_requests": 3,
        "demand_alerts": 0,
        "snaps_at_once": 0,
        "snaps_corrected": 0,
        "snaps_chosen": 0,
        "snaps_waiting": 0,
        "snaps_unrecognised": 0,
        "snaps_labelled": 0,
    }


def test_a_day_counts_its_snaps_by_how_their_answer_stands():
    # given today's snaps: named at once (2), named at once and corrected by
    # the shopper, named by the shopper among the suggestions, waiting for the
    # shopper, none of the suggestions, named by an operator; and one of
    # yesterday
    status = Snap.Status
    for state, result in [
        (status.RECOGNISED, {}),
        (status.RECOGNISED, {}),
        (status.RECOGNISED, {"chosen": "prd_y", "corrected_from": "prd_x"}),
        (status.RECOGNISED, {"chosen": "prd_x"}),
        (status.UNCONFIRMED, {}),
        (status.NOT_RECOGNISED, {"none_of_these": True}),
        (status.LABELLED, {}),
    ]:
        Snap.objects.create(status=state, result=result)
    Snap.objects.create(
        status=status.RECOGNISED, created_at=timezone.now() - timedelta(days=1)
    )
    # when
    figures = daily_figures_compute(local_today())
    # then
    assert {key: value for key, value in figures.items() if "snaps" in key} == {
        "snaps_at_once": 2,
        "snaps_corrected": 1,
        "snaps_chosen": 1,
        "snaps_waiting": 1,
        "snaps_unrecognised": 1,
        "snaps_labelled": 1,
    }


def test_a_day_counts_nothing_of_the_day_before():
    # given
    join_and_pay(_deal_opened_now())
    # when
    figures = daily_figures_compute(local_today() - timedelta(days=1))
    # then
    assert set(figures.values()) == {0}


def test_refresh_stores_today_and_fills_missing_days_once():
    # given
    join_and_pay(make_deal())
    # when
    first = platform_daily_stats_refresh()
    second = platform_daily_stats_refresh()
    # then: the first run fills the month, later runs only today and yesterday
    today = local_today()
    assert len(first) == BACKFILL_DAYS
    assert second == [today - timedelta(days=1), today]
    assert PlatformDailyStats.objects.count() == BACKFILL_DAYS
    assert PlatformDailyStats.objects.get(day=today).orders_joined == 1


def test_refresh_updates_today_when_more_happens():
    # given
    deal = make_deal()
    join_and_pay(deal)
    platform_daily_stats_refresh()
    # when
    join_and_pay(deal)
    platform_daily_stats_refresh()
    # then
    row = PlatformDailyStats.objects.get(day=local_today())
    assert (row.orders_joined, row.gmv_fen) == (2, 2 * 9_900)


def test_a_closed_day_is_not_recomputed():
    # given: a stored figure for three days ago that differs from the tables
    platform_daily_stats_refresh()
    old_day = local_today() - timedelta(days=3)
    PlatformDailyStats.objects.filter(day=old_day).update(orders_joined=7)
    # when
    platform_daily_stats_refresh()
    # then
    assert PlatformDailyStats.objects.get(day=old_day).orders_joined == 7


def test_series_is_oldest_first_with_zeros_for_missing_days(operator_user):
    # given
    join_and_pay(make_deal())
    platform_daily_stats_refresh()
    PlatformDailyStats.objects.filter(day=local_today() - timedelta(days=2)).delete()
    # when
    series = platform_daily_series(user=operator_user, days=3)
    # then
    today = local_today()
    assert series.days == [today - timedelta(days=n) for n in (2, 1, 0)]
    assert series.values("orders_joined") == [0, 0, 1]
    assert series.success_rates == [None, None, None]
    assert series.computed_at is not None


def test_success_rate_is_the_share_of_closed_deals_that_succeeded():
    row = PlatformDailyStats(
        day=timezone.now().date(), deals_succeeded=3, deals_failed=1
    )
    assert row.success_rate == 75.0


def test_series_refused_to_a_shopper():
    with pytest.raises(OpsError) as refused:
        platform_daily_series(user=make_user(), days=3)
    assert refused.value.status == 403


def test_the_headline_counts_the_orders_of_today_and_of_this_week(operator_user):
    # given a Wednesday noon in the display zone, and orders joined that
    # morning, on Monday just after midnight and on Sunday just before it
    zone = timezone.get_current_timezone()
    wednesday_noon = datetime(2030, 1, 9, 12, 0, tzinfo=zone)
    deal = make_deal()
    for joined_at in (
        datetime(2030, 1, 9, 9, 0, tzinfo=zone),
        datetime(2030, 1, 7, 0, 30, tzinfo=zone),
        datetime(2030, 1, 6, 23, 30, tzinfo=zone),
    ):
        order = join_and_pay(deal)
        DealOrder.objects.filter(pk=order.pk).update(joined_at=joined_at)
    # when
    headline = dashboard_headline(user=operator_user, now=wednesday_noon)
    # then today is Wednesday's order, the week Monday's and Wednesday's
    assert (headline["orders_today"], headline["orders_this_week"]) == (1, 2)


@pytest.fixture
def operator_user(db):
    return make_user(is_staff=True)
