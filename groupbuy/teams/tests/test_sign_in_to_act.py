"""A visitor who taps a team action (join a shared team, open a team, buy
alone, put me in any team) signs in and comes back to a page offering that
action again to confirm; coming back does nothing by itself."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from groupbuy.deals.models import DealOrder
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import (
    SOLO_PRICE,
    TEAM_PRICE,
    expire_now,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db

PASSWORD = "long-enough-pw"  # the factories' users'


def _shared_team():
    opener = team_open(actor=make_user(), team_deal=make_team_deal(team_size=3))
    pay(opener)
    return opener.team


def _sign_in_from(client: Client, login_url: str, user) -> str:
    """Sign in on the login page ``login_url`` led to; return where it goes."""
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = client.post(
        "/login/", {"phone": user.phone, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    return response["Location"]


def _live_orders(user) -> int:
    return DealOrder.objects.filter(
        shopper=user, status__in=DealOrder.ACTIVE_STATUSES
    ).count()


def test_a_friend_signed_out_joins_a_shared_team_after_signing_in():
    # given a team's shared link opened by a visitor
    team = _shared_team()
    friend = make_user(preferred_language="en")
    client = Client()
    # when they tap "Join this team"
    response = client.post(f"/teams/t/{team.public_id}/join/")
    # then they are sent to sign in, and back to a page that is a GET
    assert response.status_code == 302
    join_url = f"/teams/t/{team.public_id}/join/"
    assert response["Location"] == f"/login/?next={join_url}"
    back = _sign_in_from(client, response["Location"], friend)
    assert back == join_url
    page = client.get(back)
    # which offers to join this team, at its price, and has done nothing yet
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{join_url}"' in html
    assert 'id="team-confirm-submit"' in html
    assert "Join this team ¥79.00" in html
    assert "2 places left" in html
    assert _live_orders(friend) == 0
    # when they confirm
    response = client.post(join_url)
    # then they hold a place and go on to pay for it
    member = TeamMember.objects.get(team=team, shopper=friend)
    assert member.status == TeamMember.Status.PENDING
    assert member.order.payment_intent.public_id in response["Location"]
    team.refresh_from_db()
    assert team.member_count == 2


@pytest.mark.parametrize(
    ("button", "heading", "solo", "size"),
    [
        ({"solo": "0"}, "Open a team ¥79.00", False, 2),
        ({"solo": "1"}, "Buy alone ¥99.00", True, 1),
    ],
)
def test_a_visitor_opens_a_team_or_buys_alone_after_signing_in(
    button, heading, solo, size
):
    # given
    team_deal = make_team_deal(team_size=2)
    deal_id = team_deal.deal.public_id
    shopper = make_user(preferred_language="en")
    client = Client()
    # when a visitor taps the button
    response = client.post(f"/teams/deals/{deal_id}/open/", button)
    # then signing in leads back to a page offering that same choice
    open_url = f"/teams/deals/{deal_id}/open/" + ("?solo=1" if solo else "")
    assert response["Location"].startswith("/login/?next=")
    back = _sign_in_from(client, response["Location"], shopper)
    assert back == open_url
    page = client.get(back)
    assert page.status_code == 200
    assert heading in page.content.decode()
    assert not Team.objects.filter(opener=shopper).exists()
    # when they confirm with the page's own form
    value = "1" if solo else "0"
    response = client.post(f"/teams/deals/{deal_id}/open/", {"solo": value})
    # then the team they chose is open, at its price, and they go on to pay
    team = Team.objects.get(opener=shopper)
    assert (team.size, team.price_fen) == (size, SOLO_PRICE if solo else TEAM_PRICE)
    assert response.status_code == 302
    assert "/escrow/" in response["Location"]


def test_a_visitor_is_put_in_any_team_after_signing_in():
    # given an open team of the deal
    team = _shared_team()
    deal_id = team.team_deal.deal.public_id
    shopper = make_user(preferred_language="en")
    client = Client()
    # when a visitor taps "Put me in any team" and signs in
    response = client.post(f"/teams/deals/{deal_id}/any/")
    any_url = f"/teams/deals/{deal_id}/any/"
    assert response["Location"] == f"/login/?next={any_url}"
    page = client.get(_sign_in_from(client, response["Location"], shopper))
    # then the page offers it, nothing done yet
    assert page.status_code == 200
    assert "Put me in any team" in page.content.decode()
    assert _live_orders(shopper) == 0
    # and confirming puts them in the open team
    client.post(any_url)
    assert TeamMember.objects.filter(team=team, shopper=shopper).exists()


def test_the_confirmation_of_a_team_no_longer_open_is_the_team_page():
    # given a shared team that ran out of time
    team = expire_now(_shared_team())
    client = Client()
    client.force_login(make_user())
    # when someone comes back from signing in
    response = client.get(f"/teams/t/{team.public_id}/join/")
    # then they see the team (which says it is over), offered nothing
    assert response["Location"] == f"/teams/t/{team.public_id}/"


def test_a_member_coming_back_to_join_is_shown_their_team():
    team = _shared_team()
    client = Client()
    client.force_login(team.opener)
    response = client.get(f"/teams/t/{team.public_id}/join/")
    assert response["Location"] == f"/teams/t/{team.public_id}/"


def test_an_unknown_team_or_deal_is_404_once_signed_in():
    client = Client()
    client.force_login(make_user())
    assert client.get("/teams/t/team_nope/join/").status_code == 404
    assert client.get("/teams/deals/deal_nope/open/").status_code == 404
    assert client.get("/teams/deals/deal_nope/any/").status_code == 404


def test_other_methods_are_not_allowed():
    team = _shared_team()
    client = Client()
    client.force_login(make_user())
    assert client.put(f"/teams/t/{team.public_id}/join/").status_code == 405
