"""Test helpers for apps with WebSocket consumers."""

import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.db import connections


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
