"""Sales figures summed by the database: the same figures, hand-counted, for
every kind of order Sales counts, in a bounded number of queries."""

from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.deals.merchant_selectors import merchant_sales
from groupbuy.deals.models import DealOrder, OrderUnitRefund
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(
        day, time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _paid(deal, *, at, quantity, amount_fen, refunded_fen=0, units_back=0):
    """A paid order of ``deal`` as Sales reads it: its units and amount now
    (after ``units_back`` units refunded by the shop), what went back."""
    order = join_and_pay(deal)
    DealOrder.objects.filter(pk=order.pk).update(
        paid_at=at,
        quantity=quantity,
        amount_fen=amount_fen,
        refunded_fen=refunded_fen,
    )
    if units_back:
        OrderUnitRefund.objects.create(
            order=order, units=units_back, amount_fen=refunded_fen, reason="gone"
        )
    return order


def _shop_with_a_period_of_orders(today):
    """Three days of orders of two deals (and some Sales must not count)."""
    owner = make_user()
    merchant = make_merchant(owner=owner)
    tea = make_deal(merchant=merchant, title="Tea")
    rice = make_deal(merchant=merchant, title="Rice")
    first, second = today - timedelta(days=2), today - timedelta(days=1)
    # tea: a whole order, and one of 3 units with 2 refunded by the shop
    _paid(tea, at=_local(first, 10), quantity=1, amount_fen=9_950)
    _paid(
        tea,
        at=_local(today, 9),
        quantity=1,
        amount_fen=3_333,
        refunded_fen=6_666,
        units_back=2,
    )
    # rice: a lower final tier's difference back, a failed order refunded in
    # full, and one refunded more than it paid, just after local midnight
    _paid(rice, at=_local(today, 11), quantity=2, amount_fen=20_000, refunded_fen=1_500)
    _paid(
        rice, at=_local(first, 23, 59), quantity=1, amount_fen=5_000, refunded_fen=5_000
    )
    _paid(
        rice, at=_local(second, 0, 30), quantity=1, amount_fen=1_000, refunded_fen=1_200
    )
    # not counted: paid before the period, never paid, another shop's
    _paid(tea, at=_local(first - timedelta(days=1), 23, 59), quantity=1, amount_fen=7)
    deal_join(actor=make_user(), deal=rice, quantity=1)
    join_and_pay(make_deal(title="Elsewhere"))
    return owner, merchant, tea, rice


def _row(figures) -> tuple:
    return (
        figures.key,
        figures.label,
        figures.orders,
        figures.units,
        figures.revenue_fen,
        figures.refunds_fen,
        figures.fees_fen,
        figures.net_fen,
    )


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_sales_sum_each_kind_of_order_as_counted_by_hand():
    # given three days of orders, each a kind Sales handles
    today = timezone.localdate()
    owner, merchant, tea, rice = _shop_with_a_period_of_orders(today)
    first, second = today - timedelta(days=2), today - timedelta(days=1)
    # when the owner reads the three days
    sales = merchant_sales(
        user=owner, merchant=merchant, date_from=first, date_to=today
    )
    # then (fees 3 % of what each order kept, rounded half up per order:
    # 9,950 → 299; 9,999 − 6,666 = 3,333 → 100; 20,000 − 1,500 → 555)
    assert [_row(day) for day in sales.days] == [
        (first.isoformat(), first.strftime("%m-%d"), 2, 2, 14_950, 5_000, 299, 9_651),
        (second.isoformat(), second.strftime("%m-%d"), 1, 1, 1_000, 1_000, 0, 0),
        (today.isoformat(), today.strftime("%m-%d"), 2, 5, 29_999, 8_166, 655, 21_178),
    ]
    assert [_row(deal) for deal in sales.deals] == [
        (rice.public_id, "Rice", 3, 4, 26_000, 7_500, 555, 17_945),
        (tea.public_id, "Tea", 2, 4, 19_949, 6_666, 399, 12_884),
    ]
    assert _row(sales.total) == ("", "", 5, 8, 45_949, 14_166, 954, 30_829)


def test_sales_take_the_same_queries_for_many_orders_as_for_one(
    django_assert_max_num_queries,
):
    # given a shop with a dozen paid orders over the two weeks
    owner = make_user()
    merchant = make_merchant(owner=owner)
    deals = [make_deal(merchant=merchant, title=f"Deal {n}") for n in range(3)]
    today = timezone.localdate()
    for n in range(12):
        _paid(
            deals[n % 3],
            at=_local(today - timedelta(days=n), 12),
            quantity=1,
            amount_fen=1_000 + n,
        )
    # when the owner reads them, then the orders are summed, not each read
    with django_assert_max_num_queries(4):
        sales = merchant_sales(
            user=owner,
            merchant=merchant,
            date_from=today - timedelta(days=13),
            date_to=today,
        )
    assert sales.total.orders == 12
