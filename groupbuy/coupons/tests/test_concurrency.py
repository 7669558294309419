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
                quantity=2,
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


@pytest.mark.django_db(transaction=True)
def test_one_redemption_sent_several_times_at_once_redeems_once(file_database):
    # given a coupon of 3 units
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    code = coupon_for(order).code
    # when the same request (one idempotency key) arrives four times at once
    outcomes = race(
        [
            lambda: coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=code,
                quantity=1,
                idempotency_key="double-tap-0123456789",
            )
            for _ in range(4)
        ]
    )
    # then every answer is that one redemption, and 1 unit is taken
    assert outcomes == Counter({"ok": 4})
    assert Redemption.objects.filter(coupon=coupon_for(order)).count() == 1
    assert coupon_for(order).remaining_quantity == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_coupon_from_two_branches_on_postgresql_succeeds_once():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    outcomes, coupon = _race_branches(2)
    assert outcomes == Counter({"ok": 1, "already_redeemed": 1})
    assert Redemption.objects.filter(coupon=coupon).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_of_two_stations_imported_at_once_keep_the_earlier_on_postgresql():
    from django.db import connection

    from groupbuy.coupons.models import RedemptionConflict
    from groupbuy.coupons.services import batch_import
    from groupbuy.coupons.tests.factories import assert_ledger_balanced
    from groupbuy.coupons.tests.test_batches import batch_from

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    # given one 1-unit coupon redeemed offline at two tills, and a 2-unit one
    station = make_station()
    single, double = confirmed_orders(station.merchant, quantities=(1, 2))
    one, two = coupon_for(single), coupon_for(double)
    batches = [
        batch_from(station, "till-a", (one, "a", 1, 10), (two, "a2", 1, 30)),
        # (listed in the other order: locks must still be taken in one order)
        batch_from(station, "till-b", (two, "b2", 2, 20), (one, "b", 1, 60)),
        batch_from(station, "till-c", (two, "c2", 1, 40)),
    ]
    # when their batches are imported at the same moment
    outcomes = race(
        [
            lambda data=data: batch_import(
                actor=station.owner, merchant=station.merchant, data=data
            )
            for data in batches
        ]
    )
    # then the earliest claims count, whatever order the imports ran in
    assert outcomes == Counter({"ok": 3})
    counted = Redemption.objects.filter(channel="offline")
    assert sorted(r.nonce.rsplit(":", 1)[-1] for r in counted) == ["a", "b2"]
    lost = RedemptionConflict.objects.values_list("nonce", flat=True)
    assert sorted(n.rsplit(":", 1)[-1] for n in lost) == ["a2", "b", "c2"]
    assert coupon_for(double).redeemed_quantity == 2
    assert_ledger_balanced()


@pytest.mark.django_db
def test_an_order_issued_by_another_process_meanwhile_keeps_that_coupon(monkeypatch):
    # `groupbuy load_demo` issued coupons while the settlement's job did: the
    # insert met the other's coupon and failed with a UNIQUE error
    from groupbuy.coupons.services import issuing

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    first = coupon_for(order)
    # when the look-up misses the coupon issued meanwhile
    looked_up = []
    real_issued = issuing._issued

    def issued_after_the_look_up(order):
        looked_up.append(order)
        return None if len(looked_up) == 1 else real_issued(order)

    monkeypatch.setattr(issuing, "_issued", issued_after_the_look_up)
    again = issuing.coupon_issue_for_order(actor=None, order=order)
    # then the coupon issued first stands and no second one is made
    assert again == first
    assert Coupon.objects.filter(order=order).count() == 1
