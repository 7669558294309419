"""The time-sync socket, through the routes the project serves."""

import json
import time

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from groupbuy.clock import consumers
from groupbuy.clock.sync import sample_from
from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

# The consumer machinery closes stale database connections around each message.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter(websocket_urlpatterns())


async def _connected():
    communicator = WebsocketCommunicator(application, "/ws/clock/")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_a_probe_is_answered_with_the_servers_receive_and_send_times():
    # given a client whose clock is 37 s behind the server's
    communicator = await _connected()
    t0 = time.time_ns() / 1e6 - 37_000
    # when it probes
    before_ms = time.time_ns() / 1e6
    await communicator.send_json_to({"type": "clock.probe", "id": 7, "t0": t0})
    reply = await communicator.receive_json_from()
    after_ms = time.time_ns() / 1e6
    t3 = time.time_ns() / 1e6 - 37_000
    # then the reply echoes t0 and carries the server's clock, in order
    assert reply["type"] == "clock.reply"
    assert reply["id"] == 7
    assert reply["t0"] == t0
    assert before_ms <= reply["t1"] <= reply["t2"] <= after_ms
    # and the sample says the server is 37 s ahead, within the round trip
    sample = sample_from(reply["t0"], reply["t1"], reply["t2"], t3)
    assert abs(sample.offset_ms - 37_000) <= sample.round_trip_ms / 2 + 1
    await communicator.disconnect()


@pytest.mark.parametrize(
    "probe",
    [
        {"type": "clock.probe"},
        {"type": "clock.probe", "t0": "soon"},
        {"type": "clock.probe", "t0": True},
        {"type": "clock.probe", "t0": None},
    ],
)
async def test_a_probe_without_a_numeric_send_time_is_refused(probe):
    communicator = await _connected()
    await communicator.send_json_to(probe)
    assert await communicator.receive_json_from() == {
        "type": "clock.error",
        "code": "bad_probe",
        "id": None,
    }
    await communicator.disconnect()


async def test_malformed_frames_are_ignored_and_the_socket_stays_open():
    communicator = await _connected()
    await communicator.send_to(text_data="{not json")
    await communicator.send_to(text_data="[1, 2]")
    await communicator.send_json_to({"type": "clock.probe", "id": 1, "t0": 5.5})
    reply = await communicator.receive_json_from()
    assert reply["type"] == "clock.reply"
    assert reply["t0"] == 5.5
    await communicator.disconnect()


class StoppedClock:
    """The consumer's ``time`` module with ``monotonic`` standing still until
    moved on: "without pause" then means no time at all, however slowly a
    loaded machine sends the probes (at 2 tokens a second, 0.5 s of them was
    one probe more, and the test failed)."""

    def __init__(self):
        self.seconds = 1_000.0

    def monotonic(self) -> float:
        return self.seconds

    def __getattr__(self, name):
        return getattr(time, name)


async def _spend_the_bucket(communicator) -> None:
    for probe_id in range(consumers.BUCKET_SIZE):
        await communicator.send_json_to(
            {"type": "clock.probe", "id": probe_id, "t0": 1}
        )
        assert (await communicator.receive_json_from())["type"] == "clock.reply"


async def test_a_socket_probing_without_pause_is_told_to_slow_down(monkeypatch):
    # given a socket that already spent its whole bucket
    monkeypatch.setattr(consumers, "time", StoppedClock())
    communicator = await _connected()
    await _spend_the_bucket(communicator)
    # when it probes again at once
    await communicator.send_json_to({"type": "clock.probe", "id": 99, "t0": 1})
    # then it is refused, not answered
    assert json.loads(json.dumps(await communicator.receive_json_from())) == {
        "type": "clock.error",
        "code": "too_many_probes",
        "id": 99,
    }
    await communicator.disconnect()


async def test_a_socket_that_pauses_is_answered_again(monkeypatch):
    # given a socket that spent its whole bucket
    clock = StoppedClock()
    monkeypatch.setattr(consumers, "time", clock)
    communicator = await _connected()
    await _spend_the_bucket(communicator)
    # when it waits a second (two tokens) and probes twice more
    clock.seconds += 1.0
    replies = []
    for probe_id in (100, 101, 102):
        await communicator.send_json_to(
            {"type": "clock.probe", "id": probe_id, "t0": 1}
        )
        replies.append((await communicator.receive_json_from())["type"])
    # then two probes are answered and the third is refused
    assert replies == ["clock.reply", "clock.reply", "clock.error"]
    await communicator.disconnect()


async def test_ping_is_answered_with_pong():
    communicator = await _connected()
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
