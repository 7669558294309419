"""One subscription per group per process, fanned out to every local socket."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from groupbuy.realtime import fanout
from groupbuy.realtime.publish import publish
from groupbuy.realtime.tests.rooms import application

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


async def watch(path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path)
    connected, _subprotocol = await communicator.connect()
    assert connected
    await communicator.receive_json_from()  # the greeting
    return communicator


async def test_every_socket_in_a_group_gets_the_event_through_one_subscription():
    # given three sockets watching one room
    sockets = [await watch("/ws/rooms/tea/") for _ in range(3)]
    # then this process is in the layer's group once, not once per socket
    assert len(get_channel_layer().groups["room.tea"]) == 1
    # when a service publishes
    await sync_to_async(publish)("room.tea", {"type": "room.news", "n": 1})
    # then every socket gets it, once
    for socket in sockets:
        assert await socket.receive_json_from() == {"type": "room.news", "n": 1}
        assert await socket.receive_nothing(timeout=0.05)
    for socket in sockets:
        await socket.disconnect()


async def test_the_last_socket_to_leave_takes_the_process_out_of_the_group():
    # given two sockets in a room
    first, second = await watch("/ws/rooms/tea/"), await watch("/ws/rooms/tea/")
    # when one leaves, the other still gets events
    await first.disconnect()
    await sync_to_async(publish)("room.tea", {"type": "room.news", "n": 2})
    assert await second.receive_json_from() == {"type": "room.news", "n": 2}
    # when the last leaves, the group is left and the hub forgotten
    await second.disconnect()
    assert not get_channel_layer().groups.get("room.tea")
    assert "room.tea" not in fanout._hubs
    # and a socket joining afterwards is subscribed afresh
    third = await watch("/ws/rooms/tea/")
    await sync_to_async(publish)("room.tea", {"type": "room.news", "n": 3})
    assert await third.receive_json_from() == {"type": "room.news", "n": 3}
    await third.disconnect()


async def test_a_consumer_that_reshapes_events_still_gets_them_in_its_handler():
    # given a plain socket and one whose consumer overrides push_event, same group
    plain = await watch("/ws/rooms/tea/")
    shouting = await watch("/ws/shout/tea/")
    # when
    await sync_to_async(publish)("room.tea", {"type": "room.news"})
    # then each gets it its own way
    assert await plain.receive_json_from() == {"type": "room.news"}
    assert await shouting.receive_json_from() == {"type": "ROOM.NEWS"}
    await plain.disconnect()
    await shouting.disconnect()


async def test_a_failing_socket_does_not_keep_the_event_from_the_others(monkeypatch):
    # given two sockets, the first of which fails to send
    broken, healthy = await watch("/ws/rooms/tea/"), await watch("/ws/rooms/tea/")
    [hub] = [fanout._hubs["room.tea"]]
    first = next(iter(hub.members))

    async def refuse(*args, **kwargs):
        raise ConnectionResetError("gone")

    monkeypatch.setattr(first, "push_encoded", refuse)
    # when
    await sync_to_async(publish)("room.tea", {"type": "room.news"})
    # then the other socket has it
    received = await asyncio.gather(
        *(s.receive_nothing(timeout=0.2) for s in (broken, healthy))
    )
    assert received.count(False) == 1  # exactly one socket got the event
    await broken.disconnect()
    await healthy.disconnect()


async def test_a_socket_that_cannot_take_the_event_is_given_up_after_a_while(
    monkeypatch,
):
    # given three sockets in one chunk, the first stuck (its buffer full)
    monkeypatch.setattr(fanout, "SEND_TIMEOUT_SECONDS", 0.1)
    sockets = [await watch("/ws/rooms/tea/") for _ in range(3)]
    hub = fanout._hubs["room.tea"]
    stuck = next(iter(hub.members))

    async def never(*args, **kwargs):
        await asyncio.sleep(60)

    monkeypatch.setattr(stuck, "push_encoded", never)
    # when
    await sync_to_async(publish)("room.tea", {"type": "room.news"})
    # then the two others have it within the timeout and a little
    received = await asyncio.gather(*(s.receive_nothing(timeout=0.5) for s in sockets))
    assert received.count(False) == 2
    for socket in sockets:
        await socket.disconnect()
