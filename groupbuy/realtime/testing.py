"""Test helpers for apps with WebSocket consumers."""

import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client


@pytest_asyncio.fixture
async def fresh_channel_layer():
    """Give a test its own channel layer: the in-memory layer's queues belong to
    the event loop that first used them, and each async test has its own.

    Afterwards close the connection that consumers opened in asgiref's sync
    thread: that thread outlives the test, and on PostgreSQL its connection
    kept the test database in use, so it could not be dropped after the run.
    """
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    await database_sync_to_async(connections.close_all)()


# --- sockets opened as a browser would, with its session cookie ----------------

SAME_ORIGIN = (b"origin", b"http://testserver")


def signed_in_browsers(user, count: int) -> list[Client]:
    """Return ``count`` test clients signed in as ``user``, each its own session."""
    browsers = [Client() for _ in range(count)]
    for browser in browsers:
        browser.force_login(user)
    return browsers


def cookie_of(browser: Client) -> bytes:
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()


async def open_as(browser: Client, path: str) -> WebsocketCommunicator:
    """Open ``path`` on the served ASGI stack (origin check, session sign-in)
    with ``browser``'s session cookie; return it accepted."""
    from groupbuy.asgi import application

    communicator = WebsocketCommunicator(
        application, path, headers=[SAME_ORIGIN, (b"cookie", cookie_of(browser))]
    )
    connected, _subprotocol = await communicator.connect()
    assert connected
    return communicator


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """Return the code the server closed ``communicator`` with."""
    closing = await communicator.receive_output(timeout=5)
    assert closing["type"] == "websocket.close", closing
    return closing["code"]
