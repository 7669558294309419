"""A per-minute limit on snaps, so one client cannot flood the recogniser.

Snapping is the most expensive request a visitor can make (seconds of CPU for
OCR, a stored photo), and anonymous visitors may do it. Each signed-in person,
and each anonymous client address, gets a fixed-window budget per minute,
counted in Django's cache (per process with the default local-memory cache;
shared when CACHES points at Redis). Limits come from settings, read on every
request: ``GROUPBUY_SNAP_SNAPS_PER_MINUTE`` (signed in, default 30) and
``GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE`` (per address, default 10); 0 turns a
limit off.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from groupbuy.core.net import limit_address
from groupbuy.snap.errors import SnapError

DEFAULT_SIGNED_IN_PER_MINUTE = 30
DEFAULT_ANONYMOUS_PER_MINUTE = 10


def _limit_and_key(request) -> tuple[int, str]:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        limit = getattr(
            settings, "GROUPBUY_SNAP_SNAPS_PER_MINUTE", DEFAULT_SIGNED_IN_PER_MINUTE
        )
        return limit, f"user:{user.pk}"
    limit = getattr(
        settings,
        "GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE",
        DEFAULT_ANONYMOUS_PER_MINUTE,
    )
    return limit, f"addr:{limit_address(request)}"


def current_minute() -> int:
    """The fixed window a snap is counted in: minutes since the epoch."""
    return int(time.time() // 60)


def snap_rate_check(request) -> None:
    """Count this snap; raise SnapError 429 when the caller is over the limit."""
    limit, who = _limit_and_key(request)
    if not limit:
        return
    window = current_minute()
    key = f"snap:rate:{who}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        raise SnapError(
            "rate_limited",
            _("You are snapping very fast. Please wait a minute and try again."),
            status=429,
        )
