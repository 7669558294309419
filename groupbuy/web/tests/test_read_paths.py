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
from tests.support.module_rows import rows_for_the_module

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
    "merchant's deals": lambda world: reverse(
        "web:merchant_deals", args=[world.merchant.public_id]
    ),
    "merchant's order list": lambda world: reverse(
        "web:merchant_orders", args=[world.merchant.public_id]
    ),
    "merchant's listings": lambda world: reverse(
        "web:merchant_listings", args=[world.merchant.public_id]
    ),
    "merchant's products": lambda world: reverse(
        "web:merchant_products", args=[world.merchant.public_id]
    ),
    "merchant's sales": lambda world: reverse(
        "web:merchant_sales", args=[world.merchant.public_id]
    ),
    "merchant's dashboard": lambda world: reverse(
        "web:merchant_dashboard", args=[world.merchant.public_id]
    ),
    "shopper's person page": lambda world: reverse(
        "web:operator_person", args=[world.shopper.public_id]
    ),
    "operator's deal page": lambda world: reverse(
        "web:operator_deal", args=[world.hot.public_id]
    ),
}
WHO = {
    "deal list": "shopper",
    "deal page": "shopper",
    "my orders": "shopper",
    "my money": "shopper",
    "merchant's orders": "owner",
    "operator dashboard": "operator",
    "merchant's deals": "owner",
    "merchant's order list": "owner",
    "merchant's listings": "owner",
    "merchant's products": "owner",
    "merchant's sales": "owner",
    "merchant's dashboard": "owner",
    "shopper's person page": "operator",
    "operator's deal page": "operator",
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


def _each_page_small_and_large() -> dict[str, tuple[int, int] | BaseException]:
    """Each page's queries for a world of 2 deals, then for the same world
    grown to 20 (or what went wrong on that page): one world for all pages,
    which only read it, instead of one per page (~2 s of CPU each)."""
    world = World()
    world.grow_to(2)
    clients = {page: world.client_for(WHO[page]) for page in PAGES}
    small: dict[str, int | BaseException] = {}
    for page in PAGES:
        try:
            small[page] = _queries(clients[page], PAGES[page](world))
        except Exception as failure:
            small[page] = failure
    world.grow_to(20)
    measured: dict[str, tuple[int, int] | BaseException] = {}
    for page in PAGES:
        if isinstance(small[page], BaseException):
            measured[page] = small[page]
            continue
        try:
            measured[page] = (small[page], _queries(clients[page], PAGES[page](world)))
        except Exception as failure:
            measured[page] = failure
    return measured


@pytest.fixture(scope="module")
def each_page_small_and_large(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker, _each_page_small_and_large) as measured:
        yield measured


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_reads_as_many_queries_for_20_rows_as_for_2(
    page, each_page_small_and_large
):
    # given a small world, then the same world grown tenfold
    measured = each_page_small_and_large[page]
    if isinstance(measured, BaseException):
        raise measured
    small, large = measured
    # then the page reads the same number of queries, and not many
    assert (page, large) == (page, small)
    assert large <= 16


def _close_deals(merchant, number: int, *, settled: int = 0) -> None:
    """Close ``number`` deals of ``merchant``'s: ``settled`` of them settled,
    the others failed (nobody joined)."""
    from django.test import TestCase

    from groupbuy.deals.services import deal_close, deal_settle
    from groupbuy.deals.tests.factories import pass_deadline

    for index in range(number):
        deal = make_deal(merchant=merchant, stock=10, tiers=[(1, 900)])
        if index < settled:
            join_and_pay(deal)
        deal = deal_close(deal=pass_deadline(deal))
        if index < settled:
            with TestCase.captureOnCommitCallbacks(execute=True):
                deal_settle(deal=deal)


def _the_merchants_deals_few_and_many() -> dict[str, tuple]:
    """The shop's deals page and API with 2 closed deals, then 20 (the first
    answer's queries, the second's and its answer), for both tests: one shop
    closing 20 deals instead of two (~2 s of CPU each)."""
    from groupbuy.accounts.services import api_token_create

    # given a shop with two closed deals, one settled and one failed
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    client = Client()
    client.force_login(owner)
    _token, secret = api_token_create(actor=owner)
    asked = {
        "page": (reverse("web:merchant_deals", args=[merchant.public_id]), {}),
        "api": (
            f"/api/deals/merchants/{merchant.public_id}/deals?page_size=20",
            {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
        ),
    }
    _close_deals(merchant, 2, settled=1)
    few = {}
    for where, (url, headers) in asked.items():
        client.get(url, **headers)  # warm up: session, caches
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url, **headers).status_code
        few[where] = (status, len(queries))
    # when eighteen more failed
    _close_deals(merchant, 18)
    measured = {}
    for where, (url, headers) in asked.items():
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, **headers)
        measured[where] = (*few[where], len(many), response)
    return measured


@pytest.fixture(scope="module")
def the_merchants_deals_few_and_many(django_db_setup, django_db_blocker):
    with rows_for_the_module(
        django_db_blocker, _the_merchants_deals_few_and_many
    ) as measured:
        yield measured


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_merchants_deals_read_as_many_queries_for_20_closed_deals_as_for_2(
    the_merchants_deals_few_and_many, where
):
    # given a shop with two closed deals, one settled and one failed, read
    # when eighteen more failed
    status, few, many, response = the_merchants_deals_few_and_many[where]
    assert status == 200
    # then each reads as it ended, in the same number of queries
    shown = response.content.decode()
    if where == "page":
        assert shown.count('<span class="pill">Failed</span>') == 19
    else:
        states = [item["shown_state"] for item in response.json()["items"]]
        assert sorted(states).count("failed") == 19 and "settled" in states
    assert many == few


def test_the_staff_page_reads_as_many_queries_for_20_members_as_for_2(client):
    # given a shop with its owner and a cashier
    from groupbuy.catalog.tests.factories import make_merchant_member

    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    make_merchant_member(merchant=merchant, role="cashier")
    client.force_login(owner)
    url = reverse("web:merchant_staff", args=[merchant.public_id])
    few = _queries(client, url)
    # when eighteen more join, cashiers and owners in turn
    for index in range(18):
        make_merchant_member(
            merchant=merchant, role="cashier" if index % 2 else "owner"
        )
    # then the page reads the same number of queries
    assert _queries(client, url) == few
