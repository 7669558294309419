"""One coupon scanned at several tills at once is redeemed once."""

from collections import Counter

import pytest

from groupbuy.coupons.models import Coupon, Redemption
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
)
from groupbuy.deals.tests.racing import race


def _race_branches(count: int) -> tuple[Counter, Coupon]:
    station = make_station()
    branches = [make_branch(station.merchant, name=f"B{i}") for i in range(count)]
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    code = coupon_for(order).code
    outcomes = race(
        [
            lambda branch=branch: coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=code,
                branch=branch,
            )
            for branch in branches
        ]
    )
    return outcomes, coupon_for(order)


@pytest.mark.django_db(transaction=True)
def test_the_same_coupon_from_several_branches_at_once_succeeds_once(file_database):
    outcomes, coupon = _race_branches(6)
    assert outcomes == Counter({"ok": 1, "already_redeemed": 5})
    assert (coupon.status, coupon.redeemed_quantity) == ("redeemed", 2)
    assert Redemption.objects.filter(coupon=coupon).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_coupon_from_two_branches_on_postgresql_succeeds_once():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    outcomes, coupon = _race_branches(2)
    assert outcomes == Counter({"ok": 1, "already_redeemed": 1})
    assert Redemption.objects.filter(coupon=coupon).count() == 1
