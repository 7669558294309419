"""publish() and the GroupConsumer base, with a consumer of the test's own.

realtime imports no app, so these tests use none either.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from groupbuy.realtime.publish import publish
from groupbuy.realtime.tests.rooms import application

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


async def open_room(name: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/rooms/{name}/")
    connected, _subprotocol = await communicator.connect()
    assert connected
    return communicator


async def test_joined_socket_gets_the_greeting_then_every_published_event():
    # given
    communicator = await open_room("tea")
    assert await communicator.receive_json_from() == {
        "type": "room.hello",
        "room": "tea",
    }
    # when a service publishes from synchronous code, outside a transaction
    await sync_to_async(publish)("room.tea", {"type": "room.news", "n": 1})
    # then
    assert await communicator.receive_json_from() == {"type": "room.news", "n": 1}
    await communicator.disconnect()


async def test_socket_gets_nothing_from_other_groups():
    communicator = await open_room("tea")
    await communicator.receive_json_from()
    await sync_to_async(publish)("room.coffee", {"type": "room.news"})
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


def publish_in_transaction(*, roll_back: bool) -> None:
    with transaction.atomic():
        publish("room.tea", {"type": "room.news", "committed": not roll_back})
        if roll_back:
            transaction.set_rollback(True)


async def test_publish_waits_for_the_commit_and_a_rollback_sends_nothing():
    # given
    communicator = await open_room("tea")
    await communicator.receive_json_from()
    # when one transaction rolls back and the next commits
    await sync_to_async(publish_in_transaction)(roll_back=True)
    await sync_to_async(publish_in_transaction)(roll_back=False)
    # then only the committed event arrives
    assert await communicator.receive_json_from() == {
        "type": "room.news",
        "committed": True,
    }
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_event_published_from_a_job_worker_thread_reaches_the_socket():
    communicator = await open_room("tea")
    await communicator.receive_json_from()
    # a thread with no event loop of its own publishes (a Huey worker)
    await asyncio.to_thread(publish, "room.tea", {"type": "room.closed"})
    assert await communicator.receive_json_from() == {"type": "room.closed"}
    await communicator.disconnect()


async def test_publishing_straight_from_async_code_is_refused():
    communicator = await open_room("tea")
    await communicator.receive_json_from()
    with pytest.raises(RuntimeError, match="sync_to_async"):
        publish("room.tea", {"type": "room.closed"})
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_may_join_refusal_closes_with_the_consumers_code():
    communicator = await open_room("secret")
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4403,
    }


async def test_signed_in_consumer_refuses_anonymous_with_4401():
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(application, "/ws/private/")
    communicator.scope["user"] = AnonymousUser()
    connected, _subprotocol = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_socket_answers_ping_and_ignores_garbage():
    communicator = await open_room("tea")
    await communicator.receive_json_from()
    await communicator.send_to(text_data="not json")
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
