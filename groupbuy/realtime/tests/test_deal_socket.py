"""The deal socket with the real deals app: snapshot on connect, progress on join."""

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user
from groupbuy.realtime.routing import websocket_urlpatterns

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_thread_connections"),
]

application = URLRouter(websocket_urlpatterns)


@pytest_asyncio.fixture
async def close_thread_connections():
    """Close the connection the services opened in asgiref's sync thread.

    ``database_sync_to_async`` runs them in one long-lived thread whose
    connection outlives the test; on PostgreSQL it kept ``test_…`` in use and
    the test database could not be dropped at the end of the run.
    """
    yield
    await database_sync_to_async(connections.close_all)()


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
