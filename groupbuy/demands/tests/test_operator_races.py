"""An operator's cancel or offer withdrawal racing the initiator's acceptance
or a shopper's join: exactly one wins, nothing is half-written.

Threads on a SQLite file (``file_database``, BEGIN IMMEDIATE queues writers),
or each on its own connection on PostgreSQL (the services' row locks).
"""

import pytest

from groupbuy.deals.models import Deal
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.demands import services
from groupbuy.demands.models import Demand, Offer, Participation
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_offer,
    make_published,
    make_user,
)
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "Counterfeit goods."


def _operator():
    return make_user(is_staff=True)


def test_an_operator_cancelling_as_the_initiator_accepts_ends_one_way(
    file_database,  # noqa: F811
):
    # given a demand with a paid joiner and a shop's offer
    demand = make_published()
    joiner = join_and_pay(demand)
    offer = make_offer(demand)
    operator = _operator()
    # when the operator cancels as the initiator accepts
    outcomes = race(
        [
            lambda: services.offer_accept(actor=demand.initiator, offer=offer),
            lambda: services.demand_cancel_by_platform(
                actor=operator, demand=demand, reason=REASON
            ),
        ]
    )
    # then exactly one wins; the other is told why
    assert outcomes["ok"] == 1
    assert outcomes["offer_accepted"] + outcomes["demand_closed"] == 1
    demand.refresh_from_db()
    offer.refresh_from_db()
    if demand.state == Demand.State.CANCELLED:
        assert (Deal.objects.count(), offer.state) == (0, Offer.State.DECLINED)
        assert balance("shopper_held", user=joiner.shopper) == 0
    else:
        assert demand.state == Demand.State.ACCEPTED
        assert (Deal.objects.count(), offer.state) == (1, Offer.State.ACCEPTED)
        assert balance("shopper_held", user=joiner.shopper) == 1_500
    assert_ledger_sound()


def test_an_operator_cancelling_as_a_shopper_joins_leaves_no_one_half_in(
    file_database,  # noqa: F811
):
    # given a published demand and a shopper about to join it
    demand = make_published()
    shopper = make_user()
    operator = _operator()
    # when they join as the operator cancels
    outcomes = race(
        [
            lambda: services.demand_join(actor=shopper, demand=demand, quantity=1),
            lambda: services.demand_cancel_by_platform(
                actor=operator, demand=demand, reason=REASON
            ),
        ]
    )
    # then the demand is cancelled; the join was refused, or came first and
    # was closed with the rest (its deposit can no longer be paid)
    assert outcomes["ok"] >= 1 and sum(outcomes.values()) == 2
    assert outcomes["ok"] == 2 or outcomes["demand_closed"] == 1
    demand.refresh_from_db()
    assert demand.state == Demand.State.CANCELLED
    statuses = set(demand.participations.values_list("status", flat=True))
    assert statuses == {Participation.Status.REFUNDED}
    joined = demand.participations.filter(shopper=shopper).first()
    if joined is not None:
        assert joined.intent.status == PaymentIntent.Status.CANCELLED
    assert_ledger_sound()


def test_an_operator_withdrawing_an_offer_as_the_initiator_accepts_it(
    file_database,  # noqa: F811
):
    # given a demand with a paid joiner and a shop's offer
    demand = make_published()
    join_and_pay(demand)
    offer = make_offer(demand)
    operator = _operator()
    # when the operator withdraws the offer as the initiator accepts it
    outcomes = race(
        [
            lambda: services.offer_accept(actor=demand.initiator, offer=offer),
            lambda: services.offer_withdraw_by_platform(
                actor=operator, offer=offer, reason=REASON
            ),
        ]
    )
    # then one wins: a deal from it, or the offer withdrawn and no deal
    assert outcomes["ok"] == 1
    assert outcomes["offer_accepted"] + outcomes["offer_closed"] == 1
    offer.refresh_from_db()
    deals = Deal.objects.count()
    if offer.state == Offer.State.ACCEPTED:
        assert deals == 1
    else:
        assert (offer.state, deals) == (Offer.State.WITHDRAWN, 0)
    assert_ledger_sound()
