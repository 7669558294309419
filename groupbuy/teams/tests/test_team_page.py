"""The team page invites people to join only while the team is open; once it
completes, expires or is stopped it shows the outcome instead."""

from __future__ import annotations

import pytest
from django.utils import timezone

from groupbuy.escrow.models import PaymentIntent
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


def test_the_payers_part_is_fetched_again_and_drops_being_confirmed_once_paid(
    client,
):
    # given a shopper who paid on the provider's page, its answer not here yet
    shopper = make_user(preferred_language="en")
    member = team_open(actor=shopper, team_deal=make_team_deal(team_size=2))
    PaymentIntent.objects.filter(pk=member.order.payment_intent_id).update(
        submitted_at=timezone.now()
    )
    team_id = member.team.public_id
    client.force_login(shopper)
    page = client.get(f"/teams/t/{team_id}/").content.decode()
    # then the page says so, and fetches its payment part again (on the
    # team's and the payment's live updates, and every 2 s meanwhile)
    assert 'id="team-payment-waiting"' in page
    assert f'hx-get="/teams/t/{team_id}/payment/"' in page
    assert 'hx-trigger="order-changed, team-changed, every 2s"' in page
    # when the answer comes and the place is marked paid
    pay(member)
    assert member.status == member.Status.PAID
    part = client.get(f"/teams/t/{team_id}/payment/")
    # then the part fetched again no longer says it is being confirmed
    assert part.status_code == 200
    body = part.content.decode()
    assert 'id="team-payment"' in body
    assert "team-payment-waiting" not in body and 'id="team-pay"' not in body
    assert "every 2s" not in body
