"""With channels-redis, events published anywhere reach sockets everywhere.

Run with: REDIS_URL=redis://127.0.0.1:6379/15 pytest -m redis groupbuy/realtime
"""

import asyncio
import os
import sys
from pathlib import Path

import pytest
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from groupbuy.realtime.publish import publish
from groupbuy.realtime.tests.rooms import application
from tests.support.waits import HANG_SECONDS

pytestmark = [
    pytest.mark.redis,
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
]

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# A prefix of its own, so the test never sees another process's messages.
CHANNEL_PREFIX = f"groupbuy-test-{os.getpid()}"


@pytest.fixture
def redis_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ["REDIS_URL"]],
                "prefix": CHANNEL_PREFIX,
            },
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


async def watch_room(name: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/rooms/{name}/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {
        "type": "room.hello",
        "room": name,
    }
    return communicator


async def test_event_published_from_a_worker_thread_reaches_the_socket(redis_layer):
    # given
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    communicator = await watch_room("redis1")
    # when synchronous code with no event loop of its own publishes (a job worker)
    await asyncio.to_thread(
        publish, "room.redis1", {"type": "deal.progress", "sold": 7}
    )
    # then
    assert await communicator.receive_json_from(timeout=HANG_SECONDS) == {
        "type": "deal.progress",
        "sold": 7,
    }
    await communicator.disconnect()


async def test_event_published_by_another_process_reaches_the_socket(redis_layer):
    # given
    communicator = await watch_room("redis2")
    # when another process (another server or a job worker) publishes
    script = (
        "import django; django.setup();"
        "from django.conf import settings;"
        f"settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'] = {CHANNEL_PREFIX!r};"
        "from groupbuy.realtime.publish import publish;"
        "publish('room.redis2', {'type': 'deal.progress', 'sold': 8})"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "groupbuy.settings_test"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=PROJECT_ROOT, env=environment
    )
    assert await asyncio.wait_for(process.wait(), timeout=HANG_SECONDS) == 0
    # then
    assert await communicator.receive_json_from(timeout=HANG_SECONDS) == {
        "type": "deal.progress",
        "sold": 8,
    }
    await communicator.disconnect()
