"""WebSocket groups of the pooling app and how events reach them."""

from __future__ import annotations

from groupbuy import realtime as _realtime_package
from groupbuy.realtime.publish import publish_to_user


def pool_group(pool_public_id: str) -> str:
    return f"pool.{pool_public_id}"


def _send(group: str, event: dict) -> None:
    # The plug-in layer offers ``groupbuy.realtime.publish(group, event)``; before
    # it lands, the module of that name holds the same sender privately.
    publish = getattr(_realtime_package, "publish", None)
    if callable(publish):
        publish(group, event)
    else:
        from groupbuy.realtime.publish import _send as send

        send(group, event)


def publish_to_pool(pool_public_id: str, event: dict) -> None:
    _send(pool_group(pool_public_id), event)


def publish_to_member(user_public_id: str, event: dict) -> None:
    publish_to_user(user_public_id, event)
