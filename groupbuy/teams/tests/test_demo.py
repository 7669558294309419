"""Demo data for team buys."""

import io

import pytest

pytestmark = pytest.mark.django_db


def test_demo_data_makes_one_team_deal_with_a_team_one_short_and_a_complete_one():
    from groupbuy.demo_data import load_demo
    from groupbuy.teams.demo import load_demo_data
    from groupbuy.teams.models import Team, TeamDeal, TeamMember

    load_demo()
    for _ in range(2):
        load_demo_data(stdout=io.StringIO())
    team_deal = TeamDeal.objects.get()
    teams = {t.state: t for t in Team.objects.filter(team_deal=team_deal)}
    assert set(teams) == {Team.State.OPEN, Team.State.COMPLETE}
    short, complete = teams[Team.State.OPEN], teams[Team.State.COMPLETE]
    assert (short.size, short.member_count, short.slots_left) == (2, 1, 1)
    assert set(complete.members.values_list("status", flat=True)) == {
        TeamMember.Status.CONFIRMED
    }
    assert short.members.get().status == TeamMember.Status.PAID
    assert short.opener.phone == "+8613800000002"
