"""Live team updates: ``ws/teams/<team_id>/`` (a team page) and
``ws/team-deals/<deal_id>/`` (a deal page's open teams). Both are public, like
the pages (members show masked names only); they only forward what services
publish, starting with a snapshot. Both speak their reader's language: an erased
member is "Deleted user" in it (``realtime.language``)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.utils import translation

from groupbuy.core.errors import DomainError
from groupbuy.realtime.consumers import CLOSE_NOT_FOUND, GroupConsumer
from groupbuy.teams.services.common import deal_teams_group, team_group


def _team_snapshot(team_id: str) -> dict | None:
    from groupbuy.teams import selectors

    try:
        team = selectors.team_get(team_id=team_id)
    except DomainError:
        return None
    return selectors.team_snapshot(team)


def _deal_exists(deal_id: str) -> bool:
    from groupbuy.teams.models import TeamDeal

    return TeamDeal.objects.filter(deal__public_id=deal_id).exists()


class TeamConsumer(GroupConsumer):
    refused_close_code = CLOSE_NOT_FOUND
    speaks_readers_language = True  # members' names (services.common._push)

    @property
    def team_id(self) -> str:
        return self.scope["url_route"]["kwargs"]["team_id"]

    async def may_join(self) -> bool:
        return await database_sync_to_async(_team_snapshot)(self.team_id) is not None

    def groups_for_connection(self) -> list[str]:
        return [team_group(self.team_id)]

    async def on_joined(self) -> None:
        # Read again now that the group is joined: a payment confirmed between
        # the check above and joining (a gateway's answer while the page loads)
        # was pushed to nobody, and the page kept saying it was on its way.
        snapshot = await database_sync_to_async(self._snapshot)()
        if snapshot is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "team.update", **snapshot})

    def _snapshot(self) -> dict | None:
        # in the reader's language ("Deleted user"); until 2026-12-07 the site's
        with translation.override(self.language):
            return _team_snapshot(self.team_id)


class DealTeamsConsumer(GroupConsumer):
    refused_close_code = CLOSE_NOT_FOUND
    speaks_readers_language = True  # members' names (services.common._push)

    @property
    def deal_id(self) -> str:
        return self.scope["url_route"]["kwargs"]["deal_id"]

    async def may_join(self) -> bool:
        return await database_sync_to_async(_deal_exists)(self.deal_id)

    def groups_for_connection(self) -> list[str]:
        return [deal_teams_group(self.deal_id)]
