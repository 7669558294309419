"""Racing joins (and a late deposit) on SQLite: a demand never takes more
units than it wants.

Each thread has its own connection to a SQLite file (``file_database``), where
BEGIN IMMEDIATE queues writers as production does; ``demand_join`` counts the
units left under the demand's row lock.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.demands import selectors, services
from groupbuy.demands.models import Participation
from groupbuy.demands.tests.factories import make_published, make_user


@pytest.mark.django_db(transaction=True)
def test_racing_joins_never_take_more_units_than_wanted(
    file_database,  # noqa: F811
):
    # given 10 units wanted, the initiator's 2 held: 8 left
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    buyers = [make_user() for _ in range(8)]
    # when 8 buyers each ask for 3 at the same moment
    outcomes = race(
        [
            lambda buyer=buyer: services.demand_join(
                actor=buyer, demand=demand, quantity=3
            )
            for buyer in buyers
        ]
    )
    # then two get in (6 units), the rest are told too many, and 2 stay free
    assert outcomes == Counter({"ok": 2, "too_many_units": 6})
    joined = Participation.objects.filter(demand=demand, is_initiator=False)
    assert sum(joined.values_list("quantity", flat=True)) == 6


@pytest.mark.django_db(transaction=True)
def test_a_late_deposit_and_joins_racing_for_its_units_never_overcommit(
    file_database,  # noqa: F811
    settings,
):
    # given 10 wanted, the initiator's 2 held, a join of 8 left unpaid past its
    # payment window (so its 8 units are free to join)
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user()
    participation, _intent = services.demand_join(actor=late, demand=demand, quantity=8)
    Participation.objects.filter(pk=participation.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )
    buyers = [make_user() for _ in range(4)]
    # when its buyer starts paying while 4 others each join for 8
    outcomes = race(
        [
            lambda: services.demand_deposit_start(actor=late, demand=demand),
            *[
                lambda buyer=buyer: services.demand_join(
                    actor=buyer, demand=demand, quantity=8
                )
                for buyer in buyers
            ],
        ]
    )
    # then exactly one of them has the 8 units: the late payer (the joins all
    # refused) or one joiner (the payment and the other joins refused)
    assert outcomes["ok"] == 1, outcomes
    assert selectors.units_still_wanted(demand) == 0
    holding = Participation.objects.filter(
        demand=demand, is_initiator=False, status="awaiting_deposit"
    ).exclude(pk=participation.pk)
    assert holding.count() + (outcomes["units_taken"] == 0) == 1
