"""The deal socket with the real deals app: snapshot on connect, progress on join."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.deals import consumers
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user
from groupbuy.realtime.publish import publish
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

# The routes as the project serves them (declared in deals/groupbuy_app.py).
application = URLRouter(websocket_urlpatterns())


async def test_watchers_get_the_snapshot_then_progress_when_someone_joins():
    # given an open deal being watched
    deal = await database_sync_to_async(make_deal)(stock=10)
    communicator = WebsocketCommunicator(application, f"/ws/deals/{deal.public_id}/")
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "deal.snapshot"
    assert snapshot["deal"]["deal_id"] == deal.public_id
    assert snapshot["deal"]["units_sold"] == 0
    # when a shopper joins (the deals service pushes progress after commit)
    shopper = await database_sync_to_async(make_user)()
    await database_sync_to_async(deal_join)(actor=shopper, deal=deal, quantity=2)
    # then
    progress = await communicator.receive_json_from(timeout=3)
    assert progress["type"] == "deal.progress"
    assert progress["deal_id"] == deal.public_id
    assert progress["units_sold"] == 2
    await communicator.disconnect()


async def test_a_draft_deal_cannot_be_watched():
    deal = await database_sync_to_async(make_deal)(is_open=False)
    communicator = WebsocketCommunicator(application, f"/ws/deals/{deal.public_id}/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }


DEAL_PROGRESS = {"id": "deal_abc", "sold": 3, "stock": 50, "state": "open"}


@pytest.fixture
def known_deal(monkeypatch):
    monkeypatch.setattr(
        consumers,
        "deal_snapshot",
        lambda deal_public_id: DEAL_PROGRESS if deal_public_id == "deal_abc" else None,
    )


async def test_socket_gets_events_published_to_the_deal_group_only(known_deal):
    # given
    communicator = WebsocketCommunicator(application, "/ws/deals/deal_abc/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {
        "type": "deal.snapshot",
        "deal": DEAL_PROGRESS,
    }
    # when
    other_group = consumers.deal_group("deal_other")
    await sync_to_async(publish)(other_group, {"type": "deal.progress"})
    await sync_to_async(publish)(
        consumers.deal_group("deal_abc"), {"type": "deal.progress", "sold": 4}
    )
    # then
    assert await communicator.receive_json_from() == {
        "type": "deal.progress",
        "sold": 4,
    }
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_unknown_deal_closes_with_4404(known_deal):
    communicator = WebsocketCommunicator(application, "/ws/deals/deal_missing/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }
