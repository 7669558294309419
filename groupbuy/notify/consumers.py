"""``ws/me/``: the signed-in person's own events (notifications and more).

Every app may push to a person with ``publish(user_group(user.public_id), …)``;
this consumer starts each socket with the unread count.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from groupbuy.notify.selectors import notification_unread_count
from groupbuy.realtime.consumers import SignedInConsumer
from groupbuy.realtime.publish import user_group


class UserConsumer(SignedInConsumer):
    # an event for many people at once may give a text in every language (a
    # share's reply hidden: the platform's notice); until 2026-12-07 none did
    speaks_readers_language = True

    def groups_for_connection(self) -> list[str]:
        return [user_group(self.scope["user"].public_id)]

    async def on_joined(self) -> None:
        unread = await database_sync_to_async(notification_unread_count)(
            user=self.scope["user"]
        )
        await self.send_json({"type": "notify.unread", "unread_count": unread})
