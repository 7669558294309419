"""The team page invites people to join only while the team is open; once it
completes, expires or is stopped it shows the outcome instead."""

from __future__ import annotations

import pytest

from groupbuy.teams.models import Team
from groupbuy.teams.services import (
    team_complete,
    team_expire,
    team_join,
    team_open,
    team_stop,
)
from groupbuy.teams.tests.factories import expire_now, make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db

OPEN_ONLY = (
    'id="team-slots"',
    'id="team-countdown"',
    "Time left to fill:",
    'id="team-join"',
    'id="team-share"',
    "friends who open it join your team",
)
COMPLETED = "This team is complete"
REFUNDED = "This team did not fill"


def _team_page(client, team: Team) -> str:
    client.force_login(make_user(preferred_language="en"))  # not a member
    response = client.get(f"/teams/t/{team.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _open_team() -> Team:
    opener = team_open(actor=make_user(), team_deal=make_team_deal(team_size=2))
    pay(opener)
    return opener.team


def test_an_open_team_shows_places_left_the_countdown_and_the_invitation(client):
    # given
    team = _open_team()
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment in page
    assert "1 place left" in page
    # and the outcomes it may reach live are there, hidden
    assert f'id="team-completed" hidden>{COMPLETED}' in page
    assert f'id="team-refunded" hidden>{REFUNDED}' in page


def test_a_complete_team_shows_its_outcome_and_invites_nobody(client):
    # given
    team = _open_team()
    pay(team_join(actor=make_user(), team=team))
    team = team_complete(team=team)
    assert team.state == Team.State.COMPLETE
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment not in page
    assert "place(s) left" not in page
    assert 'class="countdown"' not in page
    assert f'id="team-completed">{COMPLETED}' in page
    assert REFUNDED not in page
    assert 'id="team-state"' in page and ">Complete</span>" in page


@pytest.mark.parametrize("ending", ["expired", "stopped"])
def test_a_team_that_did_not_fill_shows_the_refund_and_invites_nobody(client, ending):
    # given
    team = _open_team()
    if ending == "expired":
        team = team_expire(team=expire_now(team))
    else:
        team = team_stop(team=team)
    assert team.state == ending
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment not in page
    assert 'class="countdown"' not in page
    assert f'id="team-refunded">{REFUNDED}' in page
    assert COMPLETED not in page
