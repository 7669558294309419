"""WebSocket consumers: live deal progress for anyone, personal events for the
signed-in person.

Both only forward what services publish (``groupbuy.realtime.publish``) as
``{"type": "push.event", "event": {...}}`` group messages; they never write.
Refusals close the socket after accepting it, because a browser only sees the
close code (4404 unknown deal, 4401 not signed in) of an accepted socket, and
the client scripts stop reconnecting on those codes.
"""

from __future__ import annotations

import asyncio
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from groupbuy.notify.selectors import notification_unread_count
from groupbuy.realtime.publish import deal_group, note_socket_loop, user_group

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_FOUND = 4404


def deal_snapshot(deal_public_id: str) -> dict | None:
    """Return the deal's public progress, or None for a deal nobody may watch."""
    from groupbuy.deals.selectors import deal_progress

    return deal_progress(deal_public_id=deal_public_id)


class PushConsumer(AsyncJsonWebsocketConsumer):
    """Forward published events to the socket and answer keep-alive pings."""

    async def join(self, group: str) -> None:
        note_socket_loop(asyncio.get_running_loop())
        if self.channel_layer is None:
            return
        await self.channel_layer.group_add(group, self.channel_name)
        # The base class leaves these groups when the socket closes.
        self.groups.append(group)

    async def push_event(self, message: dict) -> None:
        await self.send_json(message["event"])

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    @classmethod
    async def decode_json(cls, text_data):
        # A malformed frame from a client is ignored rather than crashing the
        # consumer (which would close the socket with 1011).
        try:
            return json.loads(text_data)
        except ValueError:
            return None


class DealConsumer(PushConsumer):
    """``ws/deals/<deal_public_id>/``: a deal's progress is public."""

    async def connect(self) -> None:
        deal_public_id = self.scope["url_route"]["kwargs"]["deal_public_id"]
        await self.accept()
        # Join before reading the snapshot, so no event can fall between the two.
        await self.join(deal_group(deal_public_id))
        snapshot = await database_sync_to_async(deal_snapshot)(deal_public_id)
        if snapshot is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "deal.snapshot", "deal": snapshot})


class UserConsumer(PushConsumer):
    """``ws/me/``: the signed-in person's own events (notifications and more)."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        await self.join(user_group(user.public_id))
        unread = await database_sync_to_async(notification_unread_count)(user=user)
        await self.send_json({"type": "notify.unread", "unread_count": unread})
