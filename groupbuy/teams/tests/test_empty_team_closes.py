"""A team every member left (the opener's payment ran out, say) closes: it is
no longer offered to others, its opener is told why, and nobody is promised a
refund of nothing. A team someone still holds a place in stays open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_orders_expire_unpaid
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers.base import PAYMENT_FAILED
from groupbuy.escrow.tests.factories import apply_event, event_for
from groupbuy.notify.models import Notification
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import team_join, team_open, teams_sweep
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db
S = TeamMember.Status


def _decline(member: TeamMember) -> None:
    intent = PaymentIntent.objects.get(pk=member.order.payment_intent_id)
    apply_event(event_for(intent, event_type=PAYMENT_FAILED))


def _expire_unpaid(capture) -> int:
    """Run the payment window's expiry job once every window is over."""
    with capture(execute=True):
        return deal_orders_expire_unpaid(now=timezone.now() + timedelta(hours=1))


def _opened_and_declined(*, team_size: int = 2, solo: bool = False) -> TeamMember:
    opener = team_open(
        actor=make_user(preferred_language="en"),
        team_deal=make_team_deal(team_size=team_size),
        solo=solo,
    )
    _decline(opener)
    return opener


def test_a_team_whose_openers_payment_ran_out_closes_and_its_opener_is_told(
    django_capture_on_commit_callbacks,
):
    # given a team whose opener's payment was declined
    opener = _opened_and_declined()
    team = opener.team
    # when the payment window ends unpaid
    assert _expire_unpaid(django_capture_on_commit_callbacks) == 1
    # then the place is given up and the team, nobody left in it, is closed
    opener.refresh_from_db()
    team.refresh_from_db()
    assert opener.status == S.CANCELLED
    assert opener.order.cancel_reason == DealOrder.CancelReason.PAYMENT_EXPIRED
    assert (team.state, team.member_count) == (Team.State.CLOSED, 0)
    assert team.expired_at is not None
    team.team_deal.refresh_from_db()
    assert team.team_deal.sold == 0
    closed = AuditEntry.objects.get(action="teams.team.closed")
    assert closed.data == {"reason": "payment_expired"}
    # and its opener is told why, once
    told = Notification.objects.get(kind="teams.closed")
    assert told.recipient_id == opener.shopper_id
    assert told.title == "Your team was closed: Jasmine tea 500 g"
    assert told.body.startswith("Your payment was not completed in time")
    assert "refund" not in told.body
    assert told.data["team_id"] == team.public_id
    # and nothing else changes when the jobs run again
    _expire_unpaid(django_capture_on_commit_callbacks)
    assert teams_sweep()["closed"] == 0
    assert Notification.objects.filter(kind="teams.closed").count() == 1
    assert AuditEntry.objects.filter(action="teams.team.closed").count() == 1


def test_a_buy_alone_not_paid_in_time_closes_and_says_so(
    django_capture_on_commit_callbacks,
):
    opener = _opened_and_declined(solo=True)
    _expire_unpaid(django_capture_on_commit_callbacks)
    opener.team.refresh_from_db()
    assert opener.team.state == Team.State.CLOSED
    told = Notification.objects.get(kind="teams.closed")
    assert told.title == "Not paid in time: Jasmine tea 500 g"


def test_a_team_with_a_paid_member_stays_open_when_the_openers_payment_runs_out(
    django_capture_on_commit_callbacks,
):
    # given a team of three: its opener's payment declined, a friend paid
    opener = _opened_and_declined(team_size=3)
    team = opener.team
    friend = team_join(actor=make_user(), team=team)
    pay(friend)
    # when the payment windows end
    _expire_unpaid(django_capture_on_commit_callbacks)
    # then only the opener's place is given up: the team stays open for others
    team.refresh_from_db()
    friend.refresh_from_db()
    assert (team.state, team.member_count) == (Team.State.OPEN, 1)
    assert friend.status == S.PAID
    assert not Notification.objects.filter(kind="teams.closed").exists()
    assert not AuditEntry.objects.filter(action="teams.team.closed").exists()


def test_a_team_with_a_member_still_paying_stays_open(
    django_capture_on_commit_callbacks, settings
):
    # given a team whose opener's payment is declined, and a friend who joined
    # just now, their payment window still running
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    opener = _opened_and_declined(team_size=3)
    DealOrder.objects.filter(pk=opener.order_id).update(
        joined_at=timezone.now() - timedelta(minutes=20)
    )
    team = opener.team
    friend = team_join(actor=make_user(), team=team)
    # when the payment window's job runs now
    with django_capture_on_commit_callbacks(execute=True):
        assert deal_orders_expire_unpaid() == 1
    # then the friend, paying, keeps the team open
    team.refresh_from_db()
    friend.refresh_from_db()
    assert (team.state, team.member_count) == (Team.State.OPEN, 1)
    assert friend.status == S.PENDING
    assert not Notification.objects.filter(kind="teams.closed").exists()


def test_the_last_member_leaving_closes_the_team_even_if_not_the_opener(
    django_capture_on_commit_callbacks,
):
    # given a team whose opener's payment ran out while a friend was paying
    opener = _opened_and_declined(team_size=3)
    friend = team_join(actor=make_user(preferred_language="en"), team=opener.team)
    _decline(friend)
    # when both windows end
    _expire_unpaid(django_capture_on_commit_callbacks)
    # then the team is closed, and the one whose leaving emptied it is told
    team = Team.objects.get(pk=opener.team_id)
    assert (team.state, team.member_count) == (Team.State.CLOSED, 0)
    assert Notification.objects.filter(kind="teams.closed").count() == 1


def test_a_closed_team_is_not_listed_nor_joinable(
    client, django_capture_on_commit_callbacks
):
    # given a team closed when its opener's payment ran out
    opener = _opened_and_declined()
    team = opener.team
    team_deal = team.team_deal
    deal_id = team_deal.deal.public_id
    _expire_unpaid(django_capture_on_commit_callbacks)
    shopper = make_user(preferred_language="en")
    client.force_login(shopper)
    # then the deal's teams page offers no team to join
    page = client.get(f"/teams/deals/{deal_id}/").content.decode()
    assert team.public_id not in page
    assert 'id="no-open-team"' in page
    # nor does the API
    _token, secret = api_token_create(actor=shopper)
    headers = {"Authorization": f"Bearer {secret}"}
    answer = client.get(f"/api/teams/deals/{deal_id}", headers=headers).json()
    assert answer["open_teams"] == []
    assert client.get(f"/api/teams/{team.public_id}").json()["state"] == "closed"
    # and the team's own page (its shared link) says it is closed, offers nothing
    page = client.get(f"/teams/t/{team.public_id}/").content.decode()
    assert ">Closed</span>" in page
    assert 'id="team-closed">This team is closed' in page
    assert 'id="team-join"' not in page
    assert 'id="team-share"' not in page
    assert "did not fill" not in page
    # and a stale join button is refused, nothing taken
    response = client.post(f"/teams/t/{team.public_id}/join/", follow=True)
    assert "This team has expired." in response.content.decode()
    assert not TeamMember.objects.filter(shopper=shopper).exists()
    answer = client.post(f"/api/teams/deals/{deal_id}/any", headers=headers)
    assert answer.status_code == 404
    assert answer.json()["code"] == "no_open_team"


def test_my_teams_says_the_place_was_not_paid_in_time_and_promises_no_refund(
    client, django_capture_on_commit_callbacks
):
    opener = _opened_and_declined()
    _expire_unpaid(django_capture_on_commit_callbacks)
    client.force_login(opener.shopper)
    page = client.get("/teams/").content.decode()
    assert "Closed · Not paid in time" in page
    assert "refunded" not in page
    assert "place left" not in page


def test_the_sweep_closes_a_team_left_empty_before_teams_closed():
    # given an open team nobody holds a place in (left so by the old code)
    opener = team_open(actor=make_user(), team_deal=make_team_deal())
    team = opener.team
    TeamMember.objects.filter(pk=opener.pk).update(status=S.CANCELLED)
    Team.objects.filter(pk=team.pk).update(member_count=0)
    # when the periodic sweep runs
    assert teams_sweep()["closed"] == 1
    # then it is closed, without telling anyone (it is not news any more)
    team.refresh_from_db()
    assert team.state == Team.State.CLOSED
    assert not Notification.objects.filter(kind="teams.closed").exists()
