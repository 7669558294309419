"""Push events to WebSocket groups from synchronous code (services, tasks).

Call these through ``groupbuy.core.transactions.after_commit`` so nothing is
pushed for a transaction that rolls back. With REDIS_URL set the channel layer
is channels-redis, so an event raised on one server reaches sockets on all.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def deal_group(deal_public_id: str) -> str:
    return f"deal.{deal_public_id}"


def user_group(user_public_id: str) -> str:
    return f"user.{user_public_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": "push.event", "event": event})


def publish_to_deal(deal_public_id: str, event: dict) -> None:
    """Send ``event`` (JSON-serialisable, with a "type" key) to everyone watching."""
    _send(deal_group(deal_public_id), event)


def publish_to_user(user_public_id: str, event: dict) -> None:
    """Send ``event`` to every open socket of one signed-in person."""
    _send(user_group(user_public_id), event)
