"""A consumer of the tests' own: realtime imports no app, so its tests use none."""

from channels.routing import URLRouter
from django.urls import path

from groupbuy.realtime.consumers import GroupConsumer, SignedInConsumer


class RoomConsumer(GroupConsumer):
    """ws/rooms/<name>/: anyone may watch a room except the "secret" one."""

    async def may_join(self) -> bool:
        return self.room != "secret"

    @property
    def room(self) -> str:
        return self.scope["url_route"]["kwargs"]["name"]

    def groups_for_connection(self) -> list[str]:
        return [f"room.{self.room}"]

    async def on_joined(self) -> None:
        await self.send_json({"type": "room.hello", "room": self.room})


class ShoutingConsumer(RoomConsumer):
    """ws/shout/<name>/: reshapes each event for its socket (overrides push_event)."""

    async def push_event(self, message: dict) -> None:
        event = message["event"]
        await self.send_json({**event, "type": event["type"].upper()})


class PrivateConsumer(SignedInConsumer):
    """ws/private/ (group "private") or ws/private/<room>/ ("private.<room>")."""

    def groups_for_connection(self) -> list[str]:
        room = self.scope["url_route"]["kwargs"].get("room")
        return [f"private.{room}"] if room else ["private"]


application = URLRouter(
    [
        path("ws/rooms/<str:name>/", RoomConsumer.as_asgi()),
        path("ws/shout/<str:name>/", ShoutingConsumer.as_asgi()),
        path("ws/private/", PrivateConsumer.as_asgi()),
        path("ws/private/<str:room>/", PrivateConsumer.as_asgi()),
    ]
)
