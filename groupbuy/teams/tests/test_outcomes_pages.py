"""A finished team buy reads its true outcome: n teams completed, m refunded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.deals.models import Deal
from groupbuy.deals.selectors.orders import shown_state_is
from groupbuy.deals.services import deal_stop, deals_close_due
from groupbuy.deals.tests.factories import make_deal, make_merchant, pass_deadline
from groupbuy.teams.models import TeamDeal
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db


def _finished_team_deal(merchant=None):
    """Two complete teams and one that expired, then the deal row closed."""
    team_deal = make_team_deal(merchant=merchant, team_size=2)
    for _ in range(2):
        opener = team_open(actor=make_user(), team_deal=team_deal)
        pay(opener)
        pay(team_join(actor=make_user(), team=opener.team))
        team_complete(team=opener.team)
    lonely = team_open(actor=make_user(), team_deal=team_deal)
    pay(lonely)
    TeamDeal.objects.filter(pk=team_deal.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    Deal.objects.filter(pk=team_deal.deal_id).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    deals_close_due()
    deals_close_due()
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    return team_deal, lonely


def test_a_closed_team_deal_with_complete_teams_reads_its_outcome_not_failed():
    team_deal, _lonely = _finished_team_deal()
    deal = team_deal.deal
    assert deal.state in (Deal.State.FAILED, Deal.State.SETTLED)
    assert deal.state_label == "Ended: 2 teams completed, 1 refunded"
    assert deal.has_failed is False


def test_a_stopped_team_deal_with_no_complete_team_still_reads_failed():
    team_deal = make_team_deal(team_size=2)
    pay(team_open(actor=make_user(), team_deal=team_deal))
    deal = deal_stop(actor=make_user(is_staff=True), deal=team_deal.deal)
    deal.refresh_from_db()
    assert deal.state_label == "Ended: 0 teams completed, 1 refunded"
    assert deal.has_failed is True


def test_a_team_deals_shown_state_and_the_lists_filter_go_by_its_outcome():
    # given a team deal with complete teams, and one stopped with none complete
    ended = _finished_team_deal()[0].deal
    stopped = make_team_deal(team_size=2)
    pay(team_open(actor=make_user(), team_deal=stopped))
    stopped = deal_stop(actor=make_user(is_staff=True), deal=stopped.deal)
    stopped.refresh_from_db()
    # then each reads, and is filtered, as its outcome says
    assert (ended.shown_state, stopped.shown_state) == ("settled", "failed")
    found = {
        state: set(Deal.objects.filter(shown_state_is(state)))
        for state in ("settled", "failed")
    }
    assert found == {"settled": {ended}, "failed": {stopped}}


def test_a_plain_failed_deal_still_reads_failed():
    deal = pass_deadline(make_deal())
    deals_close_due()
    deal.refresh_from_db()
    assert deal.state_label == "Failed"


def test_the_deal_page_team_page_and_merchant_view_show_the_outcome(client):
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    team_deal, lonely = _finished_team_deal(merchant)
    label = "Ended: 2 teams completed, 1 refunded"
    deal_page = client.get(f"/deals/{team_deal.deal.public_id}/").content.decode()
    assert label in deal_page and ">Failed<" not in deal_page
    assert 'id="open-team"' not in deal_page  # sales are over
    teams_page = client.get(f"/teams/deals/{team_deal.deal.public_id}/")
    assert label in teams_page.content.decode()
    team_page = client.get(f"/teams/t/{lonely.team.public_id}/").content.decode()
    assert label in team_page and 'id="team-refunded"' in team_page
    client.force_login(owner)
    console = client.get(f"/teams/merchant/{merchant.public_id}/").content.decode()
    assert label in console
    detail = f"/teams/merchant/{merchant.public_id}/deals/{team_deal.deal.public_id}/"
    assert label in client.get(detail).content.decode()


def test_the_outcome_reads_in_chinese(client):
    team_deal, _lonely = _finished_team_deal()
    page = client.get(
        f"/teams/deals/{team_deal.deal.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "已结束：2 个团成团，1 个已退款" in page


def test_the_team_page_shares_the_product_card_and_the_team_link(client):
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    page = client.get(f"/teams/t/{opener.team.public_id}/").content.decode()
    # the sharing app's product card of the deal (name, price)
    assert 'class="share-card"' in page
    assert f'data-deal-id="{team_deal.deal.public_id}"' in page
    # without its own short link, which leads to the deal and not to the team,
    # nor the deal row's deadline, which is not the team's
    assert 'class="share-card-link"' not in page
    assert "/s/" not in page
    # and the link to share is the team's own page, with copy and Web Share
    assert f"/teams/t/{opener.team.public_id}/" in page
    assert 'id="copy-link"' in page and 'id="share-team"' in page


def test_the_api_gives_the_outcome(client):
    team_deal, _lonely = _finished_team_deal()
    body = client.get(f"/api/teams/deals/{team_deal.deal.public_id}").json()
    assert body["outcome"] == {
        "is_over": True,
        "completed": 2,
        "solo": 0,
        "refunded": 1,
        "open": 0,
        "label": "Ended: 2 teams completed, 1 refunded",
    }
