"""A team buy's open teams, page by page: on its teams page and in the API."""

from __future__ import annotations

import re

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.tests.factories import make_deal, make_merchant
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user

pytestmark = pytest.mark.django_db
# The page size here (GROUPBUY_PAGE_SIZE): a second page needs 4 teams, not 21.
PAGE = 3


@pytest.fixture
def many_teams(settings):
    """A team buy with one team more than a page open, each by another shopper."""
    settings.GROUPBUY_PAGE_SIZE = PAGE
    team_deal = make_team_deal(team_size=3, stock=50)
    teams = [
        team_open(actor=make_user(), team_deal=team_deal).team for _ in range(PAGE + 1)
    ]
    return team_deal, teams


def _listed(page: str) -> list[str]:
    return re.findall(r'<li class="open-team" data-team="([^"]+)"', page)


def test_the_teams_page_lists_open_teams_a_page_at_a_time(client, many_teams):
    # given a team buy with 4 open teams (3 a page), all as close to completion
    team_deal, teams = many_teams
    url = f"/teams/deals/{team_deal.deal.public_id}/"
    client.force_login(make_user(preferred_language="en"))
    # when a shopper opens its teams page
    first = client.get(url).content.decode()
    # then it lists the first 3 (soonest to expire first) and leads to the rest
    assert _listed(first) == [team.public_id for team in teams[:PAGE]]
    assert 'id="page-next" href="?page=2"' in first
    # and the second page lists the 4th
    second = client.get(url, {"page": 2}).content.decode()
    assert _listed(second) == [teams[PAGE].public_id]
    assert 'id="page-previous"' in second


def _get(client, url, user=None):
    headers = {}
    if user is not None:
        _token, secret = api_token_create(actor=user)
        headers = {"Authorization": f"Bearer {secret}"}
    return client.get(url, headers=headers)


def test_the_api_pages_the_open_teams_as_the_page_does(client, many_teams):
    # given a team buy with 4 open teams (3 a page)
    team_deal, teams = many_teams
    deal_id = team_deal.deal.public_id
    # when a client reads the team buy, then its open teams page by page
    detail = _get(client, f"/api/teams/deals/{deal_id}").json()
    second = _get(client, f"/api/teams/deals/{deal_id}/teams?page=2").json()
    # then the team buy carries the first page and how many there are
    assert [t["team_id"] for t in detail["open_teams"]] == [
        team.public_id for team in teams[:PAGE]
    ]
    assert detail["open_teams_total"] == PAGE + 1
    # and the list pages through them all
    assert [t["team_id"] for t in second["items"]] == [teams[PAGE].public_id]
    assert (second["page"], second["pages"], second["total"]) == (2, 2, PAGE + 1)


def test_anyone_may_list_a_team_buys_open_teams_but_not_their_own(client, many_teams):
    # given a team buy with 4 open teams, one of them opened by its member
    team_deal, teams = many_teams
    url = f"/api/teams/deals/{team_deal.deal.public_id}/teams?page_size=100"
    member = teams[0].opener
    other_shop_owner = make_user()
    make_merchant(owner=other_shop_owner)
    # when someone signed out, another shopper, another shop's owner and the
    # member list them
    answers = {
        who: _get(client, url, user)
        for who, user in {
            "signed out": None,
            "another shopper": make_user(),
            "another shop": other_shop_owner,
            "member": member,
        }.items()
    }
    # then each is answered, the member without the team they are in already
    assert {who: answer.status_code for who, answer in answers.items()} == {
        "signed out": 200,
        "another shopper": 200,
        "another shop": 200,
        "member": 200,
    }
    assert answers["another shop"].json()["total"] == PAGE + 1
    assert answers["member"].json()["total"] == PAGE
    assert teams[0].public_id not in str(answers["member"].json()["items"])


def test_a_deal_not_sold_in_teams_has_no_open_teams_to_list(client):
    # given an ordinary group buy
    deal = make_deal()
    # when its open teams are asked for
    answer = client.get(f"/api/teams/deals/{deal.public_id}/teams")
    # then there is no such team buy
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
