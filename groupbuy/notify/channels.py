"""Notification channels that apps add (web push from sharing, an IM service…).

notify itself knows the in-app inbox, e-mail and SMS. An app declares more in
its ``groupbuy_app.py`` (``notification_channels``); every notification whose
caller does not name its channels then also goes over each added channel that
``wants`` the recipient, with the same delivery rows, retries and sweep as the
built-in ones.
"""

from __future__ import annotations

from typing import Protocol

from groupbuy.core import plugins
from groupbuy.notify.models import Channel, Delivery

CHANNEL_NAME_MAX_CHARS = Delivery._meta.get_field("channel").max_length


class NotificationChannel(Protocol):
    label: str

    def wants(self, recipient) -> bool:
        """Whether ``recipient`` (a user) can be reached over this channel."""

    def send(self, delivery: Delivery) -> str:
        """Send one delivery; the contract of groupbuy.notify.senders."""


def added_channels() -> dict[str, NotificationChannel]:
    channels: dict[str, NotificationChannel] = {}
    for app in plugins.installed_apps():
        for name, reference in app.notification_channels.items():
            if name in Channel.values or name in channels:
                raise ValueError(f"notification channel {name!r} is declared twice")
            if len(name) > CHANNEL_NAME_MAX_CHARS:
                raise ValueError(f"notification channel name {name!r} is too long")
            channels[name] = plugins.load(reference)
    return channels
