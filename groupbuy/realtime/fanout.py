"""One subscription per group per server process, fanned out to its sockets.

Channels' way is one channel per socket in every group: a group message to
5,000 watchers is 5,000 deep copies in the in-memory layer (5,000 Redis list
pushes with channels-redis), 5,000 consumer tasks woken and the same JSON
encoded 5,000 times. Here each process joins a group once, with a channel of
its own (``_GroupHub``); one reader task takes the group's messages off it,
encodes a ``push.event`` once and hands the text to every local socket in the
group. A consumer that overrides ``push_event`` (to filter or reshape per
socket) still gets the message through its own handler, as does any other
message type (``dispatch``).

The sends go one after another in tasks of ``CHUNK`` sockets each: a send that
does not have to wait for a full socket buffer finishes without a task switch,
so the first socket has the event at once and no task is made per socket. A
send that waits longer than ``SEND_TIMEOUT_SECONDS`` is given up: its client
would drop a message that late anyway (the countdown's one-second rule) and
re-read the state, and the rest of its chunk is not held up longer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

logger = logging.getLogger(__name__)

PUSH_EVENT = "push.event"
CHUNK = 100
SEND_TIMEOUT_SECONDS = 1.0


class _GroupHub:
    def __init__(self, layer, group: str):
        self.layer = layer
        self.group = group
        self.loop = asyncio.get_running_loop()
        self.members: set = set()
        self.channel: str | None = None
        self.reader: asyncio.Task | None = None
        # Set once the hub's channel is in the layer's group: a socket joining
        # meanwhile waits for it, so no event falls before its first push.
        self.subscribed = asyncio.Event()

    async def subscribe(self) -> None:
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            self.reader = asyncio.create_task(self._read())
        finally:
            self.subscribed.set()

    async def unsubscribe(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.channel is not None:
            await self.layer.group_discard(self.group, self.channel)

    async def _read(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            try:
                await self.fan_out(message)
            except Exception:  # one bad message must not stop the group's pushes
                logger.exception("fan-out to group %s failed", self.group)

    async def _send(self, members: list, text: str | None, message: dict) -> None:
        for member in members:
            try:
                async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                    if text is None:
                        await member.dispatch(message)
                    else:
                        await member.push_encoded(text, message)
            except Exception as error:
                logger.warning(
                    "a socket in group %s missed a message: %r", self.group, error
                )

    async def fan_out(self, message: dict) -> None:
        members = list(self.members)
        if not members:
            return
        started = time.perf_counter()
        text = (
            json.dumps(message["event"]) if message.get("type") == PUSH_EVENT else None
        )
        chunks = [members[i : i + CHUNK] for i in range(0, len(members), CHUNK)]
        await asyncio.gather(*(self._send(chunk, text, message) for chunk in chunks))
        logger.debug(
            "fan-out to %d sockets of %s took %.1f ms",
            len(members),
            self.group,
            (time.perf_counter() - started) * 1000,
        )


_hubs: dict[str, _GroupHub] = {}


def _hub_for(layer, group: str) -> tuple[_GroupHub, bool]:
    hub = _hubs.get(group)
    loop = asyncio.get_running_loop()
    # A new layer or loop (a test's own) starts afresh: the old hub's queues
    # belong to the old loop.
    if hub is None or hub.layer is not layer or hub.loop is not loop:
        hub = _hubs[group] = _GroupHub(layer, group)
        return hub, True
    return hub, False


async def join(consumer, group: str) -> None:
    """Add ``consumer`` to ``group`` in this process; return once it is subscribed."""
    hub, is_new = _hub_for(consumer.channel_layer, group)
    hub.members.add(consumer)
    consumer.group_hubs.append(hub)
    if is_new:
        await hub.subscribe()
    else:
        await hub.subscribed.wait()


async def leave_all(consumer) -> None:
    """Take ``consumer`` out of its groups; a group left empty is unsubscribed."""
    hubs, consumer.group_hubs = consumer.group_hubs, []
    for hub in hubs:
        hub.members.discard(consumer)
        if hub.members:
            continue
        if _hubs.get(hub.group) is hub:
            del _hubs[hub.group]
        await hub.unsubscribe()
