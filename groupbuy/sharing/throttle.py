"""Limits on contact matching, which slow down probing who is a member.

Matching tells the caller which numbers belong to members (never who they
are), so it is limited three ways, each refused with a clear message:

- at most GROUPBUY_SHARING_MATCH_MAX_NUMBERS numbers a request (5,000: a large
  address book), 400 ``too_many_numbers``;
- a fixed-window budget per person and per client address
  (GROUPBUY_SHARING_MATCHES_PER_MINUTE, 5,000 numbers), 429 ``rate_limited``;
- at most GROUPBUY_SHARING_MATCHES_PER_DAY distinct numbers a person a UTC day
  (10,000; matching the same book again costs nothing), 429
  ``daily_match_limit``.

Limits slow probing down; they cannot prevent it: someone with many accounts
can still test many numbers. Counters live in Django's cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.net import limit_address
from groupbuy.sharing.errors import SharingError

DEFAULT_MATCH_MAX_NUMBERS = 5_000
DEFAULT_MATCHES_PER_MINUTE = 5_000
DEFAULT_MATCHES_PER_DAY = 10_000
DAY_KEY_TIMEOUT = 2 * 24 * 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def match_max_numbers() -> int:
    return _setting("GROUPBUY_SHARING_MATCH_MAX_NUMBERS", DEFAULT_MATCH_MAX_NUMBERS)


def matches_per_day() -> int:
    return _setting("GROUPBUY_SHARING_MATCHES_PER_DAY", DEFAULT_MATCHES_PER_DAY)


def _caller(request):
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def match_size_check(count: int, *, field: str = "numbers") -> None:
    """Refuse more numbers in one request than an address book holds."""
    if count > match_max_numbers():
        raise SharingError(
            "too_many_numbers",
            _("At most %(count)s numbers can be matched at once.")
            % {"count": match_max_numbers()},
            fields={field: [_("Too many.")]},
        )


def _count(key: str, amount: int) -> int:
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=120)
        return amount


def current_minute() -> int:
    """The fixed window a match is counted in: minutes since the epoch."""
    return int(time.time() // 60)


def match_rate_check(request, *, numbers: int) -> None:
    """Count ``numbers`` matches for this caller; raise 429 over the limit."""
    limit = _setting("GROUPBUY_SHARING_MATCHES_PER_MINUTE", DEFAULT_MATCHES_PER_MINUTE)
    if not limit:
        return
    window = current_minute()
    keys = [f"sharing:match:addr:{limit_address(request)}:{window}"]
    user = _caller(request)
    if user is not None:
        keys.append(f"sharing:match:user:{user.pk}:{window}")
    if max(_count(key, max(numbers, 1)) for key in keys) > limit:
        raise SharingError(
            "rate_limited",
            _("Too many contacts matched in a minute. Please wait and try again."),
            status=429,
        )


def match_daily_check(request, *, hashes: list[str]) -> None:
    """Add the keyed hashes matched to the caller's distinct numbers of the
    day; raise 429, counting none of them, when that goes over the cap.

    Two requests at the same moment may each pass with the other's numbers
    uncounted; the per-minute limit bounds what that lets through.
    """
    limit = matches_per_day()
    user = _caller(request)
    if not limit or user is None:
        return
    key = f"sharing:match:day:{user.pk}:{timezone.now().date().isoformat()}"
    seen: set[str] = cache.get(key) or set()
    new = {digest[:20] for digest in hashes} - seen
    if not new:
        return
    if len(seen) + len(new) > limit:
        raise SharingError(
            "daily_match_limit",
            _(
                "You can check at most %(count)s different numbers a day. The "
                "numbers you checked today can be checked again; new ones "
                "tomorrow."
            )
            % {"count": limit},
            status=429,
        )
    cache.set(key, seen | new, timeout=DAY_KEY_TIMEOUT)
