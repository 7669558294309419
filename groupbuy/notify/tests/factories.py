"""Test data for the notify and realtime suites."""

from __future__ import annotations

import itertools

from groupbuy.accounts.models import User
from groupbuy.notify.models import Notification

_phone_numbers = itertools.count(13800000001)


def make_user(
    *,
    email: str = "",
    preferred_language: str = User.Language.EN,
    contact_channel: str = User.ContactChannel.IN_APP,
    display_name: str = "Shopper",
    **extra,
) -> User:
    return User.objects.create_user(
        f"+86{next(_phone_numbers)}",
        "long-enough-pw",
        email=email,
        preferred_language=preferred_language,
        contact_channel=contact_channel,
        display_name=display_name,
        **extra,
    )


def make_notification(*, recipient: User, **fields) -> Notification:
    """An inbox row without deliveries (for reading tests)."""
    fields.setdefault("kind", "deals.deal.succeeded")
    fields.setdefault("title", "Your group-buy succeeded")
    fields.setdefault("body", "Pick up your coupon.")
    return Notification.objects.create(recipient=recipient, **fields)
