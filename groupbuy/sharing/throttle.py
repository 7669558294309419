"""A per-minute limit on contact matching, so nobody can probe who is a member.

Each signed-in person and each client address gets a fixed-window budget of
matched numbers per minute (GROUPBUY_SHARING_MATCHES_PER_MINUTE, default 20,000:
a few address books), counted in Django's cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from groupbuy.core.net import client_address
from groupbuy.sharing.errors import SharingError

DEFAULT_MATCHES_PER_MINUTE = 20_000


def _count(key: str, amount: int) -> int:
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=120)
        return amount


def match_rate_check(request, *, numbers: int) -> None:
    """Count ``numbers`` matches for this caller; raise 429 over the limit."""
    limit = int(
        getattr(
            settings, "GROUPBUY_SHARING_MATCHES_PER_MINUTE", DEFAULT_MATCHES_PER_MINUTE
        )
    )
    if not limit:
        return
    window = int(time.time() // 60)
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    keys = [f"sharing:match:addr:{client_address(request)}:{window}"]
    if getattr(user, "is_authenticated", False):
        keys.append(f"sharing:match:user:{user.pk}:{window}")
    if max(_count(key, max(numbers, 1)) for key in keys) > limit:
        raise SharingError(
            "rate_limited",
            _("Too many contacts matched in a minute. Please wait and try again."),
            status=429,
        )
