"""Racing joins on SQLite: a demand never takes more units than it wants.

Each thread has its own connection to a SQLite file (``file_database``), where
BEGIN IMMEDIATE queues writers as production does; ``demand_join`` counts the
units left under the demand's row lock.
"""

from collections import Counter

import pytest

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.demands import services
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
