"""``ws/demands/<demand_id>/``: a published demand's live progress.

Anyone may watch a demand that is past its draft; the snapshot comes first,
then every ``demand.updated`` the services publish.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from groupbuy.realtime.consumers import CLOSE_NOT_FOUND, GroupConsumer


def demand_snapshot(demand_public_id: str) -> dict | None:
    from groupbuy.demands.live import demand_progress
    from groupbuy.demands.models import Demand

    demand = (
        Demand.objects.filter(public_id=demand_public_id)
        .exclude(state=Demand.State.DRAFT)
        .first()
    )
    return None if demand is None else demand_progress(demand)


class DemandConsumer(GroupConsumer):
    refused_close_code = CLOSE_NOT_FOUND

    @property
    def demand_public_id(self) -> str:
        return self.scope["url_route"]["kwargs"]["demand_id"]

    async def may_join(self) -> bool:
        snapshot = await database_sync_to_async(demand_snapshot)(self.demand_public_id)
        return snapshot is not None

    def groups_for_connection(self) -> list[str]:
        from groupbuy.demands.live import demand_group

        return [demand_group(self.demand_public_id)]

    async def on_joined(self) -> None:
        snapshot = await database_sync_to_async(demand_snapshot)(self.demand_public_id)
        if snapshot is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "demand.snapshot", "demand": snapshot})
