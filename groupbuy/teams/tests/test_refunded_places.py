"""A place of a complete team whose order is refunded in whole afterwards (its
coupon refunded unused, or expired under "refund the shopper"): the place is
refunded, the team counts one member fewer and stays complete."""

from __future__ import annotations

import pytest

from groupbuy.coupons.models import Coupon
from groupbuy.coupons.services import coupon_refund_unused
from groupbuy.deals.models import DealOrder
from groupbuy.deals.signals import order_refunded
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.services.releasing import team_place_release
from groupbuy.teams.tests.factories import (
    assert_ledger_invariants,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db


def _complete_team_of_three():
    """A team of three that filled, each member's coupon issued."""
    team_deal = make_team_deal(team_size=3)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    members = [opener]
    for _ in range(2):
        member = team_join(actor=make_user(preferred_language="en"), team=opener.team)
        pay(member)
        members.append(member)
    team = team_complete(team=opener.team)
    assert team.state == Team.State.COMPLETE
    return team, members


@pytest.fixture
def refunds_sent():
    sent = []

    def receive(sender, *, order, **kwargs):
        sent.append(order.pk)

    order_refunded.connect(receive, weak=False, dispatch_uid="test.refunds_sent")
    yield sent
    order_refunded.disconnect(dispatch_uid="test.refunds_sent")


def test_a_complete_teams_place_refunded_in_whole_is_released(refunds_sent):
    # given a complete team of three, each member's order confirmed
    team, (_opener, _second, third) = _complete_team_of_three()
    coupon = Coupon.objects.get(order=third.order)
    # when the third member refunds their coupon, its only unit unused
    coupon_refund_unused(actor=third.shopper, coupon=coupon)
    # then their order is refunded and says so to the other apps, their place
    # is refunded, and the team counts two members, still complete (until
    # 2026-12-06 the order and the place stayed confirmed, the team counting
    # three and nothing sent)
    third.refresh_from_db()
    third.order.refresh_from_db()
    team.refresh_from_db()
    assert third.order.status == DealOrder.Status.REFUNDED
    assert third.status == TeamMember.Status.REFUNDED
    assert refunds_sent == [third.order.pk]
    assert (team.state, team.member_count) == (Team.State.COMPLETE, 2)
    holding = TeamMember.objects.filter(team=team, status__in=TeamMember.HOLDING)
    assert holding.count() == 2
    assert_ledger_invariants()


def test_releasing_a_place_again_changes_nothing():
    # given a complete team whose third place was refunded and released
    team, (_opener, _second, third) = _complete_team_of_three()
    coupon_refund_unused(
        actor=third.shopper, coupon=Coupon.objects.get(order=third.order)
    )
    third.order.refresh_from_db()
    # when the release runs again (the signal sent twice, say)
    team_place_release(actor=None, order=third.order)
    # then the team still counts two members
    team.refresh_from_db()
    assert team.member_count == 2


def test_a_confirmed_order_not_refunded_keeps_its_place():
    # given a complete team, none of its orders refunded
    team, (opener, _second, _third) = _complete_team_of_three()
    # when the release is asked for a confirmed order
    team_place_release(actor=None, order=opener.order)
    # then nothing changes
    opener.refresh_from_db()
    team.refresh_from_db()
    assert opener.status == TeamMember.Status.CONFIRMED
    assert team.member_count == 3


def test_the_team_page_counts_the_place_no_more_and_says_why(client):
    # given a complete team whose third member refunded their coupon
    team, (_opener, _second, third) = _complete_team_of_three()
    coupon_refund_unused(
        actor=third.shopper, coupon=Coupon.objects.get(order=third.order)
    )
    # when someone opens the team page, in English
    client.force_login(make_user(preferred_language="en"))
    page = client.get(f"/teams/t/{team.public_id}/").content.decode()
    # then it lists two members and says one place was refunded after the team
    # completed, which stays complete with nobody to join
    members = page.split('id="team-members">')[1].split("</ul>")[0]
    assert members.count("<li>") == 2
    assert 'id="team-refunded-places"' in page
    assert (
        "1 place was refunded after the team completed; the others keep the "
        "team price and nobody new can join." in page
    )
    assert 'id="team-join-form"' not in page


def test_the_api_counts_the_place_no_more_and_offers_no_place(client):
    # given a complete team of three whose third member refunded their coupon
    team, (_opener, _second, third) = _complete_team_of_three()
    coupon_refund_unused(
        actor=third.shopper, coupon=Coupon.objects.get(order=third.order)
    )
    # when anyone reads the team
    answer = client.get(f"/api/teams/{team.public_id}").json()
    # then it counts two members and, complete, has no place to offer
    assert (answer["state"], answer["member_count"]) == ("complete", 2)
    assert answer["slots_left"] == 0
    assert len(answer["members"]) == 2
