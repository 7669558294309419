"""Realtime: push events to WebSocket groups; apps own their consumers.

The public names, importable from here as the plug-in contract (PLUGINS.md) says:
``publish(group, event)`` and ``user_group(user_public_id)`` from
``realtime.publish``, and ``GroupConsumer`` / ``SignedInConsumer`` from
``realtime.consumers``. Note that ``groupbuy.realtime.publish`` is therefore the
function: monkeypatch the module's contents by object, not by dotted string.
"""

from groupbuy.realtime.publish import publish, user_group

__all__ = ["GroupConsumer", "SignedInConsumer", "publish", "user_group"]


def __getattr__(name: str):
    # The consumers import Channels' consumer machinery; only when asked.
    if name in ("GroupConsumer", "SignedInConsumer"):
        from groupbuy.realtime import consumers

        return getattr(consumers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
