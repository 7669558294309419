"""Pages read a constant number of queries, however many rows they show or sum."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

PAGES = {
    "deal list": lambda world: reverse("web:deal_list"),
    "deal page": lambda world: reverse("web:deal_detail", args=[world.hot.public_id]),
    "my orders": lambda world: reverse("web:order_list"),
    "my money": lambda world: reverse("web:money"),
    "merchant's orders": lambda world: reverse(
        "web:merchant_deal_detail",
        args=[world.merchant.public_id, world.hot.public_id],
    ),
    "operator dashboard": lambda world: reverse("web:operator_home"),
}
WHO = {
    "deal list": "shopper",
    "deal page": "shopper",
    "my orders": "shopper",
    "my money": "shopper",
    "merchant's orders": "owner",
    "operator dashboard": "operator",
}


class World:
    """A merchant with deals; our shopper joined each, others crowd one deal."""

    def __init__(self):
        self.owner = make_user()
        self.operator = make_user(is_staff=True)
        self.shopper = make_user()
        self.merchant = make_merchant(owner=self.owner)
        self.deals = []
        self.hot = None

    def grow_to(self, size: int) -> None:
        while len(self.deals) < size:
            deal = make_deal(merchant=self.merchant, stock=100, tiers=[(1, 900)])
            join_and_pay(deal, shopper=self.shopper)
            self.deals.append(deal)
            self.hot = self.hot or deal
            join_and_pay(self.hot, shopper=make_user())

    def client_for(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_reads_as_many_queries_for_20_rows_as_for_2(page):
    # given a small world
    world = World()
    world.grow_to(2)
    client = world.client_for(WHO[page])
    small = _queries(client, PAGES[page](world))
    # when it grows tenfold
    world.grow_to(20)
    large = _queries(client, PAGES[page](world))
    # then the page reads the same number of queries, and not many
    assert (page, large) == (page, small)
    assert large <= 16
