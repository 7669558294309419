"""The whole WebSocket stack as served: origin check, session auth, routing."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from groupbuy.asgi import application
from groupbuy.notify.tests.factories import make_user
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

SAME_ORIGIN = (b"origin", b"http://testserver")


def signed_in_cookie() -> bytes:
    client = Client()
    client.force_login(make_user())
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()


async def test_signed_in_browser_session_opens_the_user_socket():
    cookie = await database_sync_to_async(signed_in_cookie)()
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[SAME_ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {
        "type": "notify.unread",
        "unread_count": 0,
    }
    await communicator.disconnect()


async def test_anonymous_browser_is_closed_with_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=[SAME_ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_other_sites_cannot_open_a_socket():
    cookie = await database_sync_to_async(signed_in_cookie)()
    communicator = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert not connected
