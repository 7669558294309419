"""Demo data for demands: two open demands with participants, loaded once."""

import io

import pytest

from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.tests.factories import assert_ledger_sound

pytestmark = pytest.mark.django_db


def test_demo_data_publishes_two_joined_demands_however_often_loaded():
    from groupbuy.demands.demo import load_demo_data
    from groupbuy.demo_data import SHOPPER, SHOPPER_2, load_demo

    # given the demo's people
    load_demo()
    # when the demands' demo data is loaded twice
    out = io.StringIO()
    for _ in range(2):
        load_demo_data(stdout=out)
    # then two published demands, each with its initiator and one joiner, all
    # deposits held
    demands = Demand.objects.order_by("id")
    assert [demand.state for demand in demands] == ["published", "published"]
    assert [demand.initiator.phone for demand in demands] == [
        SHOPPER.phone,
        SHOPPER_2.phone,
    ]
    for demand in demands:
        statuses = sorted(demand.participations.values_list("is_initiator", "status"))
        assert statuses == [(False, "active"), (True, "active")]
    assert Participation.objects.count() == 4
    assert_ledger_sound()
    assert out.getvalue().count("joined") == 2
