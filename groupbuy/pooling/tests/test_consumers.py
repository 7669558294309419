"""The pool socket: members get the history and live messages; others are refused."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from groupbuy.pooling import services
from groupbuy.pooling.consumers import PoolConsumer
from groupbuy.pooling.models import Pool
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

application = URLRouter([path("ws/pools/<str:pool_id>/", PoolConsumer.as_asgi())])


def _confirmed_pool():
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    users = [make_user(), make_user()]
    for user, amount in zip(users, (18_000, 12_000), strict=True):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    # the online step matched them as the second request committed
    pool = Pool.objects.get()
    for user in users:
        pool = services.pool_answer(actor=user, pool=pool, accept=True)
    services.chat_post(actor=users[0], pool=pool, body="first")
    return pool, users, owner


async def _connect(pool_id, user):
    communicator = WebsocketCommunicator(application, f"/ws/pools/{pool_id}/")
    communicator.scope["user"] = user
    connected, _sub = await communicator.connect()
    assert connected
    return communicator


async def test_members_get_history_then_live_messages():
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    socket = await _connect(pool.public_id, users[1])
    history = await socket.receive_json_from()
    assert [m["body"] for m in history["messages"]] == ["first"]
    await sync_to_async(services.chat_post)(actor=users[0], pool=pool, body="till 3")
    event = await socket.receive_json_from()
    assert (event["type"], event["message"]["body"]) == ("pooling.chat", "till 3")
    assert event["message"]["author"] == "Shopper A"
    await socket.disconnect()


@pytest.mark.parametrize("who", ["stranger", "merchant owner"])
async def test_another_user_or_merchant_is_refused(who):
    pool, _users, owner = await sync_to_async(_confirmed_pool)()
    intruder = owner if who == "merchant owner" else await sync_to_async(make_user)()
    socket = await _connect(pool.public_id, intruder)
    closing = await socket.receive_output()
    assert closing == {"type": "websocket.close", "code": 4404}
