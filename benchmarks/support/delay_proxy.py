"""A loopback TCP proxy that delays each direction on its own (for the clock
benchmarks): base latency, uniform jitter, loss and stalls.

TCP never loses or reorders bytes, so loss is what TCP makes of it: the chunk
comes a retransmission timeout (200 ms) late, and everything behind it waits.
A stall holds a direction for a while (a radio waking up, a congested queue).
Order is kept: a chunk never overtakes the one before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass

RETRANSMISSION_TIMEOUT_S = 0.2


@dataclass(frozen=True)
class Path:
    base_ms: float = 0.0
    jitter_ms: float = 0.0  # uniform in [0, jitter_ms]
    loss: float = 0.0  # per chunk
    stall: float = 0.0  # per chunk: chance a stall starts
    stall_ms: tuple[float, float] = (300.0, 1500.0)


class DirectionDelay:
    def __init__(self, path: Path, rng: random.Random):
        self.path = path
        self.rng = rng
        self.last_delivery = 0.0
        self.stalled_until = 0.0

    def delivery_time(self, now: float) -> float:
        path = self.path
        delay = (path.base_ms + self.rng.uniform(0, path.jitter_ms)) / 1000
        if self.rng.random() < path.loss:
            delay += RETRANSMISSION_TIMEOUT_S
        if self.rng.random() < path.stall:
            self.stalled_until = now + self.rng.uniform(*path.stall_ms) / 1000
        at = max(now + delay, self.last_delivery, self.stalled_until)
        self.last_delivery = at
        return at


async def _pump(reader, writer, delay: DirectionDelay) -> None:
    queue: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while True:
            at, chunk = await queue.get()
            if chunk is None:
                break
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((delay.delivery_time(time.monotonic()), chunk))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((0, None))
    with contextlib.suppress(ConnectionError, OSError):
        await sender


async def start_proxy(
    *, upstream_port: int, up: Path, down: Path, seed: int = 0
) -> asyncio.Server:
    """Listen on a free loopback port; ``up`` is client → server."""
    rng = random.Random(seed)

    async def handle(client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(
            "127.0.0.1", upstream_port
        )
        await asyncio.gather(
            _pump(client_reader, server_writer, DirectionDelay(up, rng)),
            _pump(server_reader, client_writer, DirectionDelay(down, rng)),
        )

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def proxy_port(server: asyncio.Server) -> int:
    return server.sockets[0].getsockname()[1]
