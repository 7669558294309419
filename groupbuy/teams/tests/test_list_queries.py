"""The team-buy pages read as many queries for 20 rows as for 2: the
merchant's team buys, a team buy's teams, and a shopper's teams."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.deals.tests.factories import make_merchant
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

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


@pytest.mark.parametrize(
    "page", ["merchant's team buys", "a team buy's teams", "my teams"]
)
def test_a_team_page_reads_as_many_queries_for_20_rows_as_for_2(client, page):
    # given a shop with two team buys, each with a team of our shopper's
    shop = Shop()
    shop.grow_to(2)
    client.force_login(shop.shopper if page == "my teams" else shop.owner)
    few = _queries(client, shop.url(page))
    # when it grows tenfold
    shop.grow_to(20)
    # then the page reads the same number of queries
    assert (page, _queries(client, shop.url(page))) == (page, few)


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


@pytest.mark.parametrize(
    "url",
    [
        "/teams/deals/{deal_id}/",
        "/api/teams/deals/{deal_id}/teams",
        "/api/teams/deals/{deal_id}",
    ],
)
def test_a_team_buys_open_teams_read_as_many_queries_for_20_as_for_2(client, url):
    # given a team buy with two open teams, one paid, and a shopper looking
    team_deal = make_team_deal(team_size=3, stock=90)
    _open_teams(team_deal, 2)
    client.force_login(make_user(preferred_language="en"))
    url = url.format(deal_id=team_deal.deal.public_id)
    few = _queries(client, url)
    # when it has a full page of them
    _open_teams(team_deal, 20)
    # then each lists them in the same number of queries
    assert (url, _queries(client, url)) == (url, few)
