"""Push events to WebSocket groups from synchronous code (services, tasks).

``publish(group, event)`` is the one way apps push: it sends once the current
transaction commits (at once outside one), so nothing is pushed for a
transaction that rolls back. Groups are named by the app that owns them
(``deal.<id>`` by deals); ``user_group`` is shared, because every app may tell a
signed-in person something. With REDIS_URL set the channel layer is
channels-redis, so an event raised on one server reaches sockets on all.

realtime imports no app: apps import it, and own their consumers (built on
``groupbuy.realtime.consumers.GroupConsumer``).
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from groupbuy.core.transactions import after_commit

SEND_TIMEOUT_SECONDS = 10

# The event loop this process's WebSocket consumers run on (the server's), noted
# by the consumers when a socket connects.
_socket_loop: asyncio.AbstractEventLoop | None = None


def user_group(user_public_id: str) -> str:
    """Name the group of every open socket of one signed-in person."""
    return f"user.{user_public_id}"


def note_socket_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _socket_loop
    _socket_loop = loop


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _refuse_in_async_code() -> None:
    if _running_loop() is not None:
        # Blocking here would stall the very loop that has to deliver the event.
        raise RuntimeError(
            "publish from async code with `await sync_to_async(publish)(…)`"
        )


def _send(group: str, event: dict) -> None:
    send_message(group, {"type": "push.event", "event": event})


def send_message(group: str, message: dict) -> None:
    """Send a channel-layer ``message`` (its "type" names the consumers' handler)
    to ``group`` now; ``publish`` sends events through it."""
    layer = get_channel_layer()
    if layer is None:
        return
    _refuse_in_async_code()
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


def publish(group: str, event: dict) -> None:
    """Send ``event`` (JSON-serialisable, with a "type" key) to every socket in
    ``group`` once the current transaction commits.

    Call it from synchronous code; from async code wrap it in ``sync_to_async``.
    """
    _refuse_in_async_code()
    after_commit(_send, group, event)


# --- Kept for callers written before publish() ----------------------------------
# They send at once, so call them from an after-commit callback; new code uses
# publish(). deal_group mirrors groupbuy.deals.consumers.deal_group, which owns it.


def deal_group(deal_public_id: str) -> str:
    return f"deal.{deal_public_id}"


def publish_to_deal(deal_public_id: str, event: dict) -> None:
    """Send ``event`` to everyone watching a deal, now."""
    _send(deal_group(deal_public_id), event)


def publish_to_user(user_public_id: str, event: dict) -> None:
    """Send ``event`` to every open socket of one signed-in person, now."""
    _send(user_group(user_public_id), event)
