"""``ws/pools/<pool_id>/``: a pool's live state and chat, for its members only.

Like the realtime consumers it only forwards what services publish; posting a
message goes through the API (one write path), the socket carries the echo.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from groupbuy.core.errors import DomainError
from groupbuy.pooling.live import pool_group
from groupbuy.realtime.consumers import (
    CLOSE_NOT_FOUND,
    CLOSE_NOT_SIGNED_IN,
    PushConsumer,
)


def _history(user, pool_id: str) -> list[dict] | None:
    from groupbuy.pooling import selectors

    try:
        pool = selectors.pool_get_for_member(user=user, pool_id=pool_id)
    except DomainError:
        return None
    if pool.state != pool.State.CONFIRMED:
        return []
    return selectors.chat_history(pool=pool)


class PoolConsumer(PushConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        pool_id = self.scope["url_route"]["kwargs"]["pool_id"]
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        history = await database_sync_to_async(_history)(user, pool_id)
        if history is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join(pool_group(pool_id))
        await self.send_json({"type": "pooling.history", "messages": history})
