"""The demand lists read as many queries for many demands as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.services import api_token_create
from groupbuy.demands import selectors
from groupbuy.demands.models import Demand
from groupbuy.demands.tests.factories import (
    join_and_pay,
    make_demand,
    make_published,
    make_user,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

LISTS = ["/api/demands?page_size=50", "/api/demands/mine?page_size=50"]


def _demands_of(shopper, count: int) -> None:
    """Demands ``shopper`` started and others joined, and one they joined."""
    for _n in range(count):
        join_and_pay(make_published(initiator=shopper), quantity=2)
    join_and_pay(make_published(), shopper, quantity=1)
    make_demand(initiator=shopper)  # a draft: in "mine" only


def _read(client, url, headers) -> tuple[int, dict]:
    client.get(url, headers=headers)  # warm up: the token's first use is written
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("url", LISTS)
def test_a_demand_list_reads_as_many_queries_for_8_demands_as_for_3(client, url):
    # given a shopper with a few demands
    shopper = make_user()
    _token, secret = api_token_create(actor=shopper)
    headers = {"Authorization": f"Bearer {secret}"}
    _demands_of(shopper, 1)
    few, _body = _read(client, url, headers)
    # when they have more
    _demands_of(shopper, 4)
    many, body = _read(client, url, headers)
    # then the list reads the same number of queries
    assert len(body["items"]) >= 5
    assert many == few


@pytest.mark.parametrize("url", LISTS)
def test_each_listed_demand_counts_its_own_units(client, url):
    # given demands with units committed
    shopper = make_user()
    _token, secret = api_token_create(actor=shopper)
    _demands_of(shopper, 2)
    # when listed
    _count, body = _read(client, url, {"Authorization": f"Bearer {secret}"})
    # then each demand's units are those it counts on its own
    for item in body["items"]:
        demand = Demand.objects.get(public_id=item["id"])
        assert (item["committed_units"], item["units_still_wanted"]) == (
            selectors.committed_units(demand),
            selectors.units_still_wanted(demand),
        )
        assert item["committed_units"] > 0 or demand.state == Demand.State.DRAFT
