import importlib.util
import sys
import types

import pytest
from channels.layers import channel_layers

from groupbuy.notify.sms import MemorySmsBackend


def _stand_in_for_daphne() -> None:
    """Let ``channels.testing`` import without Daphne.

    ``channels.testing`` imports its live-server test case, which needs Daphne, even
    when only ``WebsocketCommunicator`` is wanted; groupbuy serves with uvicorn and
    does not depend on Daphne. The stand-in refuses to be used.
    """
    if importlib.util.find_spec("daphne") is not None:
        return

    class DaphneProcess:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("install daphne to use ChannelsLiveServerTestCase")

    daphne = types.ModuleType("daphne")
    daphne_testing = types.ModuleType("daphne.testing")
    daphne_testing.DaphneProcess = DaphneProcess
    daphne.testing = daphne_testing
    sys.modules.setdefault("daphne", daphne)
    sys.modules.setdefault("daphne.testing", daphne_testing)


_stand_in_for_daphne()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Give every test its own channel layer: the in-memory layer's queues belong
    to the event loop that first used them, and each async test has its own."""
    channel_layers.backends.clear()
    MemorySmsBackend.outbox.clear()
    yield
    channel_layers.backends.clear()
    MemorySmsBackend.outbox.clear()
