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


class PrivateConsumer(SignedInConsumer):
    def groups_for_connection(self) -> list[str]:
        return ["private"]


application = URLRouter(
    [
        path("ws/rooms/<str:name>/", RoomConsumer.as_asgi()),
        path("ws/private/", PrivateConsumer.as_asgi()),
    ]
)
