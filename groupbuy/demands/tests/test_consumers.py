"""The demand socket: snapshot on connect, progress when someone joins."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.demands.tests.factories import join_and_pay, make_demand, make_published
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter(websocket_urlpatterns())


async def test_watchers_get_the_snapshot_then_progress_when_someone_joins():
    demand = await database_sync_to_async(make_published)()
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "demand.snapshot"
    assert snapshot["demand"]["deadline_ms"] == demand.deadline_ms
    assert snapshot["demand"]["committed_units"] == 2
    await database_sync_to_async(join_and_pay)(demand, quantity=3)
    update = await communicator.receive_json_from(timeout=3)
    assert update["type"] == "demand.updated"
    assert update["committed_units"] == 5
    await communicator.disconnect()


async def test_a_draft_cannot_be_watched():
    demand = await database_sync_to_async(make_demand)()
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }
