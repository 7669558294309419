from groupbuy.realtime.consumers import GroupConsumer


class HelloConsumer(GroupConsumer):
    def groups_for_connection(self) -> list[str]:
        return [f"plugin.{self.scope['url_route']['kwargs']['room']}"]

    async def on_joined(self) -> None:
        room = self.scope["url_route"]["kwargs"]["room"]
        await self.send_json({"type": "plugin.hello", "room": room})
