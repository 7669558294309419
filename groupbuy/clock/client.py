"""A Python client of the clock protocol (asyncio + websockets), for tests,
benchmarks and tools that must agree with the server's clock.

    async with ClockClient("ws://127.0.0.1:8000/ws/clock/") as clock:
        clock.server_now_ms(), clock.error_bound_ms()

It does what the browser's countdown does (static/clock/sync.js): on connect a
burst of probes back to back (8 to 64, until another would hardly help), the
best kept; ``resync`` for another burst; ``run`` for the adaptive schedule
after it (a probe when the bound has widened, at most one a second, at least
one every 30 s). ``local_clock`` (epoch ms) lets a test or a benchmark give
the client a wrong, drifting clock.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import websockets

from groupbuy.clock.sync import (
    DRIFT_MIN_SPAN_MS,
    MIN_PROBE_INTERVAL_MS,
    PROBE_INTERVAL_MS,
    Sample,
    SyncWindow,
    best_sample,
    burst_done,
    probe_due,
    sample_from,
)

PROBE_TIMEOUT_SECONDS = 2.0


def origin_of(url: str) -> str:
    """Return the page origin a browser would send (the server checks it)."""
    parts = urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}"


def system_clock_ms() -> float:
    return time.time_ns() / 1_000_000


class ClockClient:
    def __init__(
        self,
        url: str,
        *,
        local_clock: Callable[[], float] = system_clock_ms,
        probe_interval_ms: float = PROBE_INTERVAL_MS,
        min_probe_interval_ms: float = MIN_PROBE_INTERVAL_MS,
        drift_min_span_ms: float = DRIFT_MIN_SPAN_MS,
    ):
        self.url = url
        self.local_clock = local_clock
        self.probe_interval_ms = probe_interval_ms  # the longest wait
        self.min_probe_interval_ms = min_probe_interval_ms  # the shortest
        self.window = SyncWindow(drift_min_span_ms=drift_min_span_ms)
        # The same samples through the estimator before the shared-drift lines,
        # for the benchmark's same-run comparison.
        self.previous_window = SyncWindow(
            drift_min_span_ms=drift_min_span_ms, shared_drift=False
        )
        self.first_sample: Sample | None = None  # what a naive client would trust
        self.lost_probes = 0
        self.sent_probes = 0
        self.refused_probes = 0  # the server said too_many_probes
        self.last_probe_ms: float | None = None
        self._ids = itertools.count(1)
        self._socket = None

    async def __aenter__(self) -> ClockClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def connect(self) -> None:
        self._socket = await websockets.connect(
            self.url,
            origin=origin_of(self.url),
            open_timeout=30,
            ping_interval=None,
            max_queue=None,
        )
        await self.resync()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def probe(self) -> Sample | None:
        """Send one probe and return its sample, or None if no reply came."""
        probe_id = next(self._ids)
        t0 = self.local_clock()
        self.sent_probes += 1
        self.last_probe_ms = t0
        await self._socket.send(
            json.dumps({"type": "clock.probe", "id": probe_id, "t0": t0})
        )
        deadline = time.monotonic() + PROBE_TIMEOUT_SECONDS
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                # (asyncio.timeout, not wait_for: no extra task between the
                # frame's arrival and t3)
                async with asyncio.timeout(remaining):
                    text = await self._socket.recv()
            except TimeoutError:
                break
            t3 = self.local_clock()
            reply = json.loads(text)
            if reply.get("type") == "clock.reply" and reply.get("id") == probe_id:
                sample = sample_from(reply["t0"], reply["t1"], reply["t2"], t3)
                if self.first_sample is None:
                    self.first_sample = sample
                return sample
            if reply.get("type") == "clock.error" and reply.get("id") == probe_id:
                # answered with an error: as lost, without waiting out the timeout
                self.refused_probes += reply.get("code") == "too_many_probes"
                self.lost_probes += 1
                return None
        self.lost_probes += 1
        return None

    async def resync(self) -> Sample | None:
        """Send a burst of probes back to back (each when the last reply came)
        until ``burst_done``; keep the best as the round's sample."""
        burst: list[Sample] = []
        sent = lost_in_a_row = 0
        refused = self.refused_probes
        while True:
            sample = await self.probe()
            sent += 1
            lost_in_a_row = 0 if sample is not None else lost_in_a_row + 1
            if sample is not None:
                burst.append(sample)
                self.window.add_probe(sample)
                self.previous_window.add_probe(sample)
            # (a dead link or a refusing server ends it; the schedule goes on)
            if (
                self.refused_probes > refused
                or lost_in_a_row >= 3
                or burst_done(self.window, burst, sent=sent)
            ):
                break
        if not burst:
            return None
        best = best_sample(burst)
        self.window.add_round(best)
        self.previous_window.add_round(best)
        return best

    async def run(self, *, rounds: int | None = None) -> None:
        """Probe when ``probe_due`` says so (``rounds`` probes, or until
        cancelled), checking four times a second."""
        check_s = min(0.25, self.probe_interval_ms / 1000)
        for _ in itertools.count() if rounds is None else range(rounds):
            while not probe_due(
                self.window,
                self.local_clock(),
                self.last_probe_ms,
                min_interval_ms=self.min_probe_interval_ms,
                max_interval_ms=self.probe_interval_ms,
            ):
                await asyncio.sleep(check_s)
            sample = await self.probe()
            if sample is not None:
                self.window.add(sample)
                self.previous_window.add(sample)

    def server_now_ms(self) -> float:
        """Return the estimated server clock now, in epoch milliseconds."""
        return self.window.server_ms(self.local_clock())

    def previous_server_now_ms(self) -> float:
        """What the estimator before the shared-drift lines would say."""
        return self.previous_window.server_ms(self.local_clock())

    def naive_server_now_ms(self) -> float:
        """What a client trusting the first reply (offset t2 - t3) would say."""
        first = self.first_sample
        naive_offset = first.offset_ms - first.round_trip_ms / 2  # = t2 - t3
        return self.local_clock() + naive_offset

    def error_bound_ms(self) -> float:
        return self.window.error_bound_ms(self.local_clock())
