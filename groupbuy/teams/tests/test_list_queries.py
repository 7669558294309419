"""The team-buy pages read as many queries for 20 rows as for 2: the
merchant's team buys, a team buy's teams, and a shopper's teams."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupbuy.deals.tests.factories import make_merchant
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay
from tests.support.module_rows import rows_for_the_module

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


class Shop:
    """A shop selling team buys; a shopper opens a team in each, paid in turn,
    and one team buy gathers teams of others."""

    def __init__(self):
        self.owner = make_user(preferred_language="en")
        self.shopper = make_user(preferred_language="en")
        self.merchant = make_merchant(owner=self.owner)
        self.team_deals = []
        self.busy = None

    def grow_to(self, size: int) -> None:
        while len(self.team_deals) < size:
            team_deal = make_team_deal(merchant=self.merchant, team_size=3, stock=90)
            member = team_open(actor=self.shopper, team_deal=team_deal)
            if len(self.team_deals) % 2 == 0:
                pay(member)
            self.team_deals.append(team_deal)
            self.busy = self.busy or team_deal
            pay(team_open(actor=make_user(), team_deal=self.busy))

    def url(self, page: str) -> str:
        merchant = self.merchant.public_id
        return {
            "merchant's team buys": f"/teams/merchant/{merchant}/",
            "a team buy's teams": (
                f"/teams/merchant/{merchant}/deals/{self.busy.deal.public_id}/"
            ),
            "my teams": "/teams/",
        }[page]


def _queries(client, url: str) -> int:
    client.get(url, headers={"accept-language": "en"})  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries)


PAGES = ["merchant's team buys", "a team buy's teams", "my teams"]


def _queries_or_failure(client, url: str) -> int | Exception:
    try:
        return _queries(client, url)
    except Exception as failure:  # the page's own test raises it
        return failure


def _few_and_many(few, many) -> tuple[int, int] | Exception:
    for measured in (few, many):
        if isinstance(measured, Exception):
            return measured
    return few, many


def _each_page_few_and_many() -> dict[str, tuple[int, int] | Exception]:
    """Each page's queries for a shop of 2 team buys, then for the same shop
    grown to 20: one shop for the three pages, which only read it."""
    shop = Shop()
    shop.grow_to(2)
    clients = {page: Client() for page in PAGES}
    for page, client in clients.items():
        client.force_login(shop.shopper if page == "my teams" else shop.owner)
    few = {page: _queries_or_failure(clients[page], shop.url(page)) for page in PAGES}
    shop.grow_to(20)
    return {
        page: _few_and_many(
            few[page], _queries_or_failure(clients[page], shop.url(page))
        )
        for page in PAGES
    }


@pytest.fixture(scope="module")
def each_page_few_and_many(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker, _each_page_few_and_many) as measured:
        yield measured


@pytest.mark.parametrize("page", PAGES)
def test_a_team_page_reads_as_many_queries_for_20_rows_as_for_2(
    each_page_few_and_many, page
):
    # given a shop with two team buys, each with a team of our shopper's,
    # read; when it grows tenfold
    measured = each_page_few_and_many[page]
    if isinstance(measured, Exception):
        raise measured
    few, many = measured
    # then the page reads the same number of queries
    assert (page, many) == (page, few)


def test_the_merchants_deals_read_their_team_buys_outcomes_in_one_query(client):
    # given a shop with a finished team buy (two teams completed, one refunded)
    from groupbuy.teams.tests.test_outcomes_pages import _finished_team_deal

    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    _finished_team_deal(merchant)
    client.force_login(owner)
    url = f"/merchant/{merchant.public_id}/deals/"
    few = _queries(client, url)
    # when two more finish the same way
    for _n in range(2):
        _finished_team_deal(merchant)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, headers={"accept-language": "en"}).content.decode()
    # then each reads its teams' outcome, in the same number of queries
    assert page.count("Ended: 2 teams completed, 1 refunded") == 3
    assert len(many) == few


def _open_teams(team_deal, count: int) -> None:
    """Open teams in ``team_deal`` until it has ``count``, every other paid."""
    from groupbuy.teams.models import Team

    while Team.objects.filter(team_deal=team_deal).count() < count:
        member = team_open(actor=make_user(), team_deal=team_deal)
        if member.team.pk % 2:
            pay(member)


URLS = [
    "/teams/deals/{deal_id}/",
    "/api/teams/deals/{deal_id}/teams",
    "/api/teams/deals/{deal_id}",
]


def _each_url_few_and_many() -> dict[str, tuple[int, int] | Exception]:
    """Each answer's queries for a team buy with 2 open teams, one paid, then
    for the same team buy with a full page of them: one team buy for the
    three, which only read it."""
    team_deal = make_team_deal(team_size=3, stock=90)
    _open_teams(team_deal, 2)
    client = Client()
    client.force_login(make_user(preferred_language="en"))
    urls = {url: url.format(deal_id=team_deal.deal.public_id) for url in URLS}
    few = {url: _queries_or_failure(client, urls[url]) for url in URLS}
    _open_teams(team_deal, 20)
    return {
        url: _few_and_many(few[url], _queries_or_failure(client, urls[url]))
        for url in URLS
    }


@pytest.fixture(scope="module")
def each_url_few_and_many(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker, _each_url_few_and_many) as measured:
        yield measured


@pytest.mark.parametrize("url", URLS)
def test_a_team_buys_open_teams_read_as_many_queries_for_20_as_for_2(
    each_url_few_and_many, url
):
    # given a team buy with two open teams, one paid, and a shopper looking;
    # when it has a full page of them
    measured = each_url_few_and_many[url]
    if isinstance(measured, Exception):
        raise measured
    few, many = measured
    # then each lists them in the same number of queries
    assert (url, many) == (url, few)
