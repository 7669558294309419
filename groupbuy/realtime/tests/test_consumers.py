import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.tests.factories import make_user
from groupbuy.realtime import consumers
from groupbuy.realtime.publish import publish_to_deal, publish_to_user
from groupbuy.realtime.routing import websocket_urlpatterns

# Consumers reach the database through database_sync_to_async, in other threads,
# so every test needs real transactions.
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

application = URLRouter(websocket_urlpatterns)

DEAL_PROGRESS = {"id": "deal_abc", "sold": 3, "stock": 50, "state": "open"}


@pytest.fixture
def known_deal(monkeypatch):
    monkeypatch.setattr(
        consumers,
        "deal_snapshot",
        lambda deal_public_id: DEAL_PROGRESS if deal_public_id == "deal_abc" else None,
    )


async def connect(path: str, user=None) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path)
    if user is not None:
        communicator.scope["user"] = user
    connected, _subprotocol = await communicator.connect()
    assert connected
    return communicator


async def test_deal_socket_sends_the_snapshot_then_every_published_event(known_deal):
    # given
    communicator = await connect("/ws/deals/deal_abc/")
    assert await communicator.receive_json_from() == {
        "type": "deal.snapshot",
        "deal": DEAL_PROGRESS,
    }
    # when a service publishes from synchronous code
    await sync_to_async(publish_to_deal)(
        "deal_abc", {"type": "deal.progress", "sold": 4}
    )
    # then
    assert await communicator.receive_json_from() == {
        "type": "deal.progress",
        "sold": 4,
    }
    await communicator.disconnect()


async def test_event_published_from_a_job_worker_thread_reaches_the_socket(known_deal):
    # given
    communicator = await connect("/ws/deals/deal_abc/")
    await communicator.receive_json_from()
    # when a thread with no event loop of its own publishes (a Huey worker)
    await asyncio.to_thread(publish_to_deal, "deal_abc", {"type": "deal.closed"})
    # then
    assert await communicator.receive_json_from() == {"type": "deal.closed"}
    await communicator.disconnect()


async def test_publishing_straight_from_async_code_is_refused(known_deal):
    communicator = await connect("/ws/deals/deal_abc/")
    await communicator.receive_json_from()
    with pytest.raises(RuntimeError, match="sync_to_async"):
        publish_to_deal("deal_abc", {"type": "deal.closed"})
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_deal_socket_gets_nothing_from_other_deals(known_deal):
    communicator = await connect("/ws/deals/deal_abc/")
    await communicator.receive_json_from()
    await sync_to_async(publish_to_deal)("deal_other", {"type": "deal.progress"})
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_unknown_deal_closes_with_4404(known_deal):
    communicator = await connect("/ws/deals/deal_missing/")
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }


async def test_socket_answers_ping_and_ignores_garbage(known_deal):
    communicator = await connect("/ws/deals/deal_abc/")
    await communicator.receive_json_from()
    await communicator.send_to(text_data="not json")
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_user_socket_rejects_anonymous_with_4401():
    from django.contrib.auth.models import AnonymousUser

    communicator = await connect("/ws/me/", user=AnonymousUser())
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_user_socket_starts_with_the_unread_count_and_gets_only_own_events():
    # given
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    assert await communicator.receive_json_from() == {
        "type": "notify.unread",
        "unread_count": 0,
    }
    # when
    await sync_to_async(publish_to_user)(stranger.public_id, {"type": "x.for_stranger"})
    await sync_to_async(publish_to_user)(shopper.public_id, {"type": "x.for_shopper"})
    # then
    assert await communicator.receive_json_from() == {"type": "x.for_shopper"}
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


def enqueue_and_commit(recipient, *, roll_back: bool = False):
    with transaction.atomic():
        notification = notification_enqueue(
            recipient=recipient,
            kind="deals.deal.succeeded",
            title="Your group-buy succeeded",
            body="Pick up your coupon.",
            url="/orders/",
        )
        if roll_back:
            transaction.set_rollback(True)
    return notification.public_id


async def test_user_socket_receives_notify_new_after_commit():
    # given
    shopper = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    await communicator.receive_json_from()
    # when
    notification_id = await database_sync_to_async(enqueue_and_commit)(shopper)
    # then
    event = await communicator.receive_json_from()
    assert event["type"] == "notify.new"
    assert event["unread_count"] == 1
    assert event["notification"]["id"] == notification_id
    assert event["notification"]["title"] == "Your group-buy succeeded"
    assert event["notification"]["url"] == "/orders/"
    assert event["notification"]["read_at"] is None
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_user_socket_receives_nothing_when_the_transaction_rolls_back():
    shopper = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    await communicator.receive_json_from()
    await database_sync_to_async(enqueue_and_commit)(shopper, roll_back=True)
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()
