"""The team deal's limit per shopper: up to N teams of the deal, never twice
the same team, a clear 409 beyond it."""

from __future__ import annotations

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_cancel
from groupbuy.teams.models import TeamMember
from groupbuy.teams.services import team_join, team_join_any, team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay
from groupbuy.teams.tests.test_services import _unchanged

pytestmark = pytest.mark.django_db


def test_a_shopper_may_open_and_join_up_to_the_limit_of_teams():
    # given a deal allowing 3 teams per shopper
    team_deal = make_team_deal(team_size=3, limit_per_shopper=3)
    alice = make_user()
    # when alice opens one team and joins two others
    mine = team_open(actor=alice, team_deal=team_deal)
    first = team_open(actor=make_user(), team_deal=team_deal).team
    second = team_open(actor=make_user(), team_deal=team_deal).team
    third = team_open(actor=make_user(), team_deal=team_deal).team
    joined = [team_join(actor=alice, team=first), team_join(actor=alice, team=second)]
    # then she holds three live orders on the deal, each in its own slot
    orders = DealOrder.objects.filter(deal=team_deal.deal, shopper=alice)
    assert sorted(orders.values_list("shopper_slot", flat=True)) == [0, 1, 2]
    assert {m.team_id for m in [mine, *joined]} == {mine.team_id, first.pk, second.pk}
    # and a fourth team (opened, joined or "any") is refused, nothing changed
    refusal = _unchanged(
        lambda: team_open(actor=alice, team_deal=team_deal), "limit_reached"
    )
    assert "3" in refusal.message
    _unchanged(lambda: team_join(actor=alice, team=third), "limit_reached")
    _unchanged(lambda: team_join_any(actor=alice, team_deal=team_deal), "limit_reached")


def test_never_twice_the_same_team_even_below_the_limit():
    team_deal = make_team_deal(team_size=3, limit_per_shopper=3)
    alice = make_user()
    team = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=alice, team=team)
    _unchanged(lambda: team_join(actor=alice, team=team), "own_team")
    mine = team_open(actor=alice, team_deal=team_deal)
    _unchanged(lambda: team_join(actor=alice, team=mine.team), "own_team")


def test_put_me_in_any_team_skips_the_teams_i_am_in():
    team_deal = make_team_deal(team_size=3, limit_per_shopper=2)
    alice = make_user()
    nearly = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=alice, team=nearly)
    other = team_open(actor=make_user(), team_deal=team_deal).team
    assert team_join_any(actor=alice, team_deal=team_deal).team_id == other.pk


def test_a_place_left_frees_its_slot_and_the_same_team_can_be_rejoined():
    team_deal = make_team_deal(team_size=3, limit_per_shopper=2)
    alice = make_user()
    team = team_open(actor=make_user(), team_deal=team_deal).team
    first = team_join(actor=alice, team=team)
    pay(first)
    team_open(actor=alice, team_deal=team_deal)
    _unchanged(lambda: team_open(actor=alice, team_deal=team_deal), "limit_reached")
    # when she cancels her place in the first team (refunded in full)
    deal_order_cancel(actor=alice, order=first.order)
    # then she may take a place again, in the same team too
    again = team_join(actor=alice, team=team)
    assert again.pk != first.pk and again.status == TeamMember.Status.PENDING
    assert again.order.shopper_slot == first.order.shopper_slot


def test_the_api_answers_409_beyond_the_limit(client):
    team_deal = make_team_deal(team_size=3, limit_per_shopper=2)
    alice = make_user(preferred_language="en")  # the API speaks it
    _token, secret = api_token_create(actor=alice)
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/teams/deals/{team_deal.deal.public_id}/teams"
    for _ in range(2):
        ok = client.post(url, {}, content_type="application/json", headers=headers)
        assert ok.status_code == 201
    third = client.post(url, {}, content_type="application/json", headers=headers)
    assert third.status_code == 409
    assert third.json()["code"] == "limit_reached"
    assert "2 teams" in third.json()["message"]
