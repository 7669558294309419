"""Test helpers for apps with WebSocket consumers."""

import pytest
from channels.layers import channel_layers


@pytest.fixture
def fresh_channel_layer():
    """Give a test its own channel layer: the in-memory layer's queues belong to
    the event loop that first used them, and each async test has its own."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
