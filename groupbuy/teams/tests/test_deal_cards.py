"""A team buy's card on the deal lists (home, search) says it is a team buy."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.deals.tests.factories import make_deal, make_merchant
from groupbuy.teams.tests.factories import make_team_deal, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

LABEL = '<span class="pill info deal-card-label">Team buy</span>'


def _card(page: str, deal) -> str:
    card = page[page.index(f'id="deal-card-{deal.public_id}"') :]
    return card[: card.index("</a>")]


def test_a_team_buys_card_is_labelled_team_buy_on_the_lists(client):
    # given a team buy and an ordinary group buy
    team_deal = make_team_deal()
    plain = make_deal(title="Jasmine tea, plain")
    client.force_login(make_user(preferred_language="en"))
    # when a shopper reads the home list and searches
    home = client.get("/").content.decode()
    found = client.get("/", {"q": "Jasmine"}).content.decode()
    # then the team buy's card says it is one, the other's does not
    for page in (home, found):
        assert LABEL in _card(page, team_deal.deal)
        assert "deal-card-label" not in _card(page, plain)


def _queries(client) -> tuple[int, str]:
    client.get("/")  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    return len(queries), page


def test_the_home_list_reads_as_many_queries_for_20_team_buys_as_for_2(client):
    # given two team buys on the home list
    merchant = make_merchant()
    for _ in range(2):
        make_team_deal(merchant=merchant)
    client.force_login(make_user(preferred_language="en"))
    few, _page = _queries(client)
    # when there are twenty
    for _ in range(18):
        make_team_deal(merchant=merchant)
    many, page = _queries(client)
    # then the labels cost no query per card, and the page stays in the limit
    assert len(re.findall("deal-card-label", page)) == 20
    assert many == few
    assert many <= 16
