"""My orders (the page and GET /api/deals/orders) with team places: whether
each place can be cancelled is asked of the teams app once for the whole
list, not once a place."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.services import api_token_create
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _places(shopper, count: int) -> list:
    """``count`` places of ``shopper``: paid, then awaiting payment, in turn,
    each in a team still forming of its own deal."""
    members = []
    for index in range(count):
        member = team_open(actor=shopper, team_deal=make_team_deal(team_size=3))
        if index % 2 == 0:
            pay(member)
        members.append(member)
    return members


def _queries(client, url: str, **headers) -> int:
    client.get(url, **headers)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def _complete_place(shopper):
    team_deal = make_team_deal(team_size=2)
    member = team_open(actor=shopper, team_deal=team_deal)
    pay(member)
    pay(team_join(actor=make_user(), team=member.team))
    team_complete(team=member.team)
    return member


def test_my_orders_page_reads_as_many_queries_for_4_team_places_as_for_1(client):
    # given a shopper with one team place
    shopper = make_user()
    _places(shopper, 1)
    client.force_login(shopper)
    one = _queries(client, "/orders/")
    # when they hold three more
    _places(shopper, 3)
    # then My orders reads the same number of queries
    assert _queries(client, "/orders/") == one


def test_my_orders_api_reads_as_many_queries_for_4_team_places_as_for_1(client):
    # given a shopper with one team place
    shopper = make_user()
    _places(shopper, 1)
    _token, secret = api_token_create(actor=shopper)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    one = _queries(client, "/api/deals/orders", **headers)
    # when they hold three more
    _places(shopper, 3)
    # then the list reads the same number of queries
    assert _queries(client, "/api/deals/orders", **headers) == one


def test_my_orders_api_says_of_each_team_place_whether_it_can_be_cancelled(client):
    # given places in teams still forming (paid, awaiting payment) and a place
    # in a team that filled
    shopper = make_user()
    paid, unpaid = _places(shopper, 2)
    complete = _complete_place(shopper)
    _token, secret = api_token_create(actor=shopper)
    # when the shopper lists their orders
    answer = client.get(
        "/api/deals/orders", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    # then only the places in forming teams can be cancelled
    can_cancel = {item["id"]: item["can_cancel"] for item in answer["items"]}
    assert can_cancel == {
        paid.order.public_id: True,
        unpaid.order.public_id: True,
        complete.order.public_id: False,
    }
