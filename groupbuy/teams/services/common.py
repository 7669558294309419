"""What every team service shares: refusals, pushes, links, the lock order.

Lock order (PostgreSQL): the team row, then payment intents (pk order), then
team members and orders, then ledger accounts (escrow, last). A capture
callback enters at the intent and touches only its own member and order.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.names import mask_display_name
from groupbuy.core.errors import Conflict
from groupbuy.core.transactions import after_commit
from groupbuy.deals.services.common import push_progress_on_commit
from groupbuy.realtime import publish
from groupbuy.realtime.language import in_each_language
from groupbuy.teams.models import Team, TeamDeal


def team_group(team_public_id: str) -> str:
    return f"teams.team.{team_public_id}"


def deal_teams_group(deal_public_id: str) -> str:
    return f"teams.deal.{deal_public_id}"


def team_url(team: Team) -> str:
    return reverse("teams:team", args=[team.public_id])


def push_team(team: Team) -> None:
    """After commit, send the team's state to its page and its deal's list, and
    the deal's progress to its page: every change of a team is one of the units
    the deal's card counts (a place taken, or given back)."""
    after_commit(_push, team.pk)


def _push(team_pk: int) -> None:
    from groupbuy.teams.selectors import team_snapshot

    team = Team.objects.select_related("team_deal__deal").get(pk=team_pk)
    snapshot = team_snapshot(team, name_of=_named_in_each_language)
    event = {"type": "team.update", **snapshot}
    publish(team_group(team.public_id), event)
    publish(deal_teams_group(team.team_deal.deal.public_id), event)
    push_progress_on_commit(team.team_deal.deal)


def _named_in_each_language(user) -> dict:
    # an erased member is "Deleted user" in each watcher's language, where
    # until 2026-12-07 it came in the language of whoever's change was pushed
    return in_each_language(lambda: mask_display_name(user))


def next_open_team(team_deal: TeamDeal, *, now, exclude_for=None) -> Team | None:
    """The open team closest to completion (fewest slots left, then soonest)."""
    from groupbuy.teams.selectors import open_teams

    for team in open_teams(team_deal, now=now, viewer=exclude_for):
        return team
    return None


def full_refusal(team_deal: TeamDeal, *, now, actor) -> Conflict:
    other = next_open_team(team_deal, now=now, exclude_for=actor)
    fields = {}
    if other is not None:
        message = ngettext(
            "Someone took the last place in this team just before you. Team %(team)s "
            "has %(left)s place left: join it instead?",
            "Someone took the last place in this team just before you. Team %(team)s "
            "has %(left)s places left: join it instead?",
            other.slots_left,
        ) % {"team": other.public_id, "left": other.slots_left}
        fields = {"next_team": [other.public_id]}
    else:
        message = _(
            "Someone took the last place in this team just before you. "
            "No other team is open: open your own?"
        )
    return Conflict("team_full", message, fields=fields)
