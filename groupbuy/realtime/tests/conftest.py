import pytest
from channels.layers import channel_layers

from groupbuy.notify.sms import MemorySmsBackend


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Give every test its own channel layer: the in-memory layer's queues belong
    to the event loop that first used them, and each async test has its own."""
    channel_layers.backends.clear()
    MemorySmsBackend.outbox.clear()
    yield
    channel_layers.backends.clear()
    MemorySmsBackend.outbox.clear()
