"""Demand races on PostgreSQL, each thread on its own connection."""

from collections import Counter

import pytest
from django.db import connection

from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_order_cancel
from groupbuy.deals.tests.racing import race
from groupbuy.demands import services
from groupbuy.demands.models import Demand
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_offer,
    make_published,
    make_user,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")


def test_the_same_buyer_joining_twice_at_once_joins_once():
    demand = make_published()
    buyer = make_user()
    outcomes = race(
        [
            lambda: services.demand_join(actor=buyer, demand=demand, quantity=1)
            for _ in range(4)
        ]
    )
    assert outcomes == Counter({"ok": 1, "already_joined": 3})
    assert demand.participations.filter(shopper=buyer).count() == 1


def test_accepting_two_offers_at_once_makes_one_deal():
    demand = make_published()
    join_and_pay(demand)
    offers = [make_offer(demand), make_offer(demand, unit_price_fen=4_400)]
    outcomes = race(
        [
            lambda offer=offer: services.offer_accept(
                actor=demand.initiator, offer=offer
            )
            for offer in offers
        ]
    )
    assert outcomes == Counter({"ok": 1, "demand_closed": 1})
    assert Deal.objects.count() == 1
    assert_ledger_sound()


def test_cancel_against_accept_ends_one_way_with_the_money_right():
    demand = make_published()
    joiner = join_and_pay(demand)
    offer = make_offer(demand)
    outcomes = race(
        [
            lambda: services.offer_accept(actor=demand.initiator, offer=offer),
            lambda: services.demand_cancel(actor=demand.initiator, demand=demand),
        ]
    )
    assert sum(outcomes.values()) == 2 and outcomes["ok"] >= 1
    assert not [o for o in outcomes if o.startswith("crash")]
    demand.refresh_from_db()
    if demand.state == Demand.State.CANCELLED:
        assert balance("shopper_held", user=joiner.shopper) == 0
        assert Deal.objects.count() == 0
    else:
        assert demand.state == Demand.State.ACCEPTED
        assert balance("shopper_held", user=joiner.shopper) == 1_500
    assert_ledger_sound()


def test_leaving_and_cancelling_the_order_at_once_keep_the_deposit_once():
    # given a joiner whose 15.00 deposit went to their order in the deal
    demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    offer = make_offer(demand)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    # when they leave on the demand page and cancel on the order page at once
    outcomes = race(
        [
            lambda: services.demand_withdraw(actor=joiner.shopper, demand=demand),
            lambda: deal_order_cancel(actor=joiner.shopper, order=order),
        ]
    )
    # then the deposit went to the merchant once and nothing else moved
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    assert outcomes["ok"] >= 1 and set(outcomes) <= {"ok", "not_participating"}
    joiner.refresh_from_db()
    order.refresh_from_db()
    assert (joiner.status, order.status) == ("forfeited", "cancelled")
    assert balance("merchant_payable", merchant=offer.merchant) == 1_500
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert_ledger_sound()
