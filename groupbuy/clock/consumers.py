"""``ws/clock/``: answer time-sync probes with the server's clock, for anyone.

A probe ``{"type": "clock.probe", "id": 3, "t0": 1767225600123.456}`` is answered
with ``{"type": "clock.reply", "id": 3, "t0": …, "t1": …, "t2": …}``: ``t1`` the
server's clock when the frame arrived, ``t2`` when the reply left, both epoch
milliseconds from ``time.time_ns()``. The socket joins no group and writes
nothing; a token bucket keeps one socket from making the server spin.
"""

from __future__ import annotations

import json
import math
import time

from groupbuy.realtime.consumers import GroupConsumer

# A connect burst (up to 64, back to back) plus a re-sync burst; the adaptive
# schedule probes at most once a second, so twice that refills the bucket.
BUCKET_SIZE = 80
REFILL_PER_SECOND = 2.0


def _now_ms() -> float:
    return time.time_ns() / 1_000_000


class ClockConsumer(GroupConsumer):
    async def on_joined(self) -> None:
        self.tokens = float(BUCKET_SIZE)
        self.refilled_at = time.monotonic()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # Read the clock before decoding, as close to the frame's arrival as we get.
        received_ms = _now_ms()
        try:
            content = json.loads(text_data or "")
        except ValueError:
            return
        if not isinstance(content, dict):
            return
        if content.get("type") == "clock.probe":
            await self.answer_probe(content, received_ms)
        elif content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(
            BUCKET_SIZE, self.tokens + (now - self.refilled_at) * REFILL_PER_SECOND
        )
        self.refilled_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def answer_probe(self, probe: dict, received_ms: float) -> None:
        sent_by_client = probe.get("t0")
        probe_id = probe.get("id")
        probe_id = probe_id if isinstance(probe_id, int) else None
        # (the id, so the client stops waiting for that probe's reply)
        if (
            not isinstance(sent_by_client, int | float)
            or isinstance(sent_by_client, bool)
            or not math.isfinite(sent_by_client)
        ):
            await self.send_json(
                {"type": "clock.error", "code": "bad_probe", "id": probe_id}
            )
            return
        if not self._take_token():
            await self.send_json(
                {"type": "clock.error", "code": "too_many_probes", "id": probe_id}
            )
            return
        reply = {
            "type": "clock.reply",
            "id": probe_id,
            "t0": sent_by_client,
            "t1": round(received_ms, 3),
        }
        reply["t2"] = round(_now_ms(), 3)
        await self.send(text_data=json.dumps(reply))
