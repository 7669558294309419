"""Push events to WebSocket groups from synchronous code (services, tasks).

Call these through ``groupbuy.core.transactions.after_commit`` so nothing is
pushed for a transaction that rolls back. With REDIS_URL set the channel layer
is channels-redis, so an event raised on one server reaches sockets on all.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

SEND_TIMEOUT_SECONDS = 10

# The event loop this process's WebSocket consumers run on (the server's), noted
# by the consumers when a socket connects.
_socket_loop: asyncio.AbstractEventLoop | None = None


def deal_group(deal_public_id: str) -> str:
    return f"deal.{deal_public_id}"


def user_group(user_public_id: str) -> str:
    return f"user.{user_public_id}"


def note_socket_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _socket_loop
    _socket_loop = loop


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if _running_loop() is not None:
        # Blocking here would stall the very loop that has to deliver the event.
        raise RuntimeError(
            "publish from async code with `await sync_to_async(publish_to_…)(…)`"
        )
    message = {"type": "push.event", "event": event}
    loop = _socket_loop
    if (
        isinstance(layer, InMemoryChannelLayer)
        and loop is not None
        and loop.is_running()
    ):
        # The in-memory layer's queues belong to the loop the sockets wait on, and
        # asyncio objects are not thread-safe: a job worker thread that sent on
        # its own loop would not wake the waiting consumers. Send on their loop.
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(
            timeout=SEND_TIMEOUT_SECONDS
        )
        return
    async_to_sync(layer.group_send)(group, message)


def publish_to_deal(deal_public_id: str, event: dict) -> None:
    """Send ``event`` (JSON-serialisable, with a "type" key) to everyone watching."""
    _send(deal_group(deal_public_id), event)


def publish_to_user(user_public_id: str, event: dict) -> None:
    """Send ``event`` to every open socket of one signed-in person."""
    _send(user_group(user_public_id), event)
