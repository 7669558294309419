"""``ws/deals/<deal_public_id>/``: a deal's live progress, public to anyone.

Services push ``deal.progress`` and friends to ``deal_group(id)`` after commit;
this consumer sends a snapshot first, then forwards them.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from groupbuy.realtime.consumers import CLOSE_NOT_FOUND, GroupConsumer


def deal_group(deal_public_id: str) -> str:
    """Name the group of everyone watching one deal."""
    return f"deal.{deal_public_id}"


def deal_snapshot(deal_public_id: str) -> dict | None:
    """Return the deal's public progress, or None for a deal nobody may watch."""
    from groupbuy.deals.selectors import deal_progress

    return deal_progress(deal_public_id=deal_public_id)


class DealConsumer(GroupConsumer):
    refused_close_code = CLOSE_NOT_FOUND

    @property
    def deal_public_id(self) -> str:
        return self.scope["url_route"]["kwargs"]["deal_public_id"]

    async def may_join(self) -> bool:
        snapshot = await database_sync_to_async(deal_snapshot)(self.deal_public_id)
        return snapshot is not None

    def groups_for_connection(self) -> list[str]:
        return [deal_group(self.deal_public_id)]

    async def on_joined(self) -> None:
        # Read again now that the group is joined, so no push falls in between.
        snapshot = await database_sync_to_async(deal_snapshot)(self.deal_public_id)
        if snapshot is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "deal.snapshot", "deal": snapshot})
