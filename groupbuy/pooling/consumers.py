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
    SignedInConsumer,
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


class PoolConsumer(SignedInConsumer):
    """Members only: 4401 when signed out, 4404 for a pool one is not in."""

    @property
    def pool_id(self) -> str:
        return self.scope["url_route"]["kwargs"]["pool_id"]

    async def may_join(self) -> bool:
        if not await super().may_join():
            self.refused_close_code = CLOSE_NOT_SIGNED_IN
            return False
        self.history = await database_sync_to_async(_history)(
            self.scope["user"], self.pool_id
        )
        if self.history is None:
            self.refused_close_code = CLOSE_NOT_FOUND
            return False
        return True

    def groups_for_connection(self) -> list[str]:
        return [pool_group(self.pool_id)]

    async def on_joined(self) -> None:
        await self.send_json({"type": "pooling.history", "messages": self.history})
