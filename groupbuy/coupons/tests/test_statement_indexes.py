"""The statement's queries of a merchant's period read that period only: what
SQLite's EXPLAIN QUERY PLAN says of them (docs/coupons.md, Settlement)."""

from datetime import date

import pytest
from django.db import connection

from groupbuy.core.days import days_window
from groupbuy.coupons import statements
from groupbuy.coupons.models import RedemptionConflict
from groupbuy.coupons.tests.factories import make_station

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's"
    ),
]

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def _plan(queryset) -> str:
    return queryset.explain()


def test_the_statements_redemptions_are_sought_by_coupon_and_day():
    # given a merchant's statement of November
    merchant = make_station().merchant
    statement = statements.statement_for(
        merchant=merchant, start=NOVEMBER[0], end=NOVEMBER[1]
    )
    # when SQLite plans its redemptions (listed, and summed for the totals)
    listed = _plan(statement.redemptions)
    summed = _plan(statement.redemptions.order_by().values("amount_fen"))
    # then each of the merchant's coupons' redemptions is sought within the
    # period (coupon and day in one index), not read for every day of the
    # shop's history and filtered
    sought = "coupons_redemption_coupon_at (coupon_id=? AND redeemed_at>? AND"
    assert sought in listed
    assert f"USING INDEX {sought}" in listed
    assert f"USING INDEX {sought}" in summed


def test_the_statements_conflicts_are_sought_by_merchant_and_day():
    # given a merchant
    merchant = make_station().merchant
    since, until = days_window(*NOVEMBER)
    # when SQLite plans the statement's conflicts of November
    plan = _plan(
        RedemptionConflict.objects.filter(
            merchant=merchant, redeemed_at__gte=since, redeemed_at__lt=until
        )
    )
    # then they are sought by merchant and day in one index
    assert (
        "USING INDEX coupons_conflict_merchant_at "
        "(merchant_id=? AND redeemed_at>? AND redeemed_at<?)"
    ) in plan
