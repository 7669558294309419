"""Coalesce a deal's progress pushes: at most N a second, always ending on the truth.

A flash sale commits hundreds of joins a second; pushing a snapshot after each
would flood every watcher's socket (and the channel layer) with messages that
are stale before they arrive. Instead time is cut into slots of
1 / ``GROUPBUY_PROGRESS_PUSHES_PER_SECOND`` seconds, per deal:

- the first change committed in a slot pushes at once (it claims the slot with
  an atomic ``cache.add``; the cache is Redis when REDIS_URL is set, so the
  claim holds across every server process);
- any later change in the same slot makes sure one *trailing* push is due at
  the start of the next slot (claimed the same way, so one per slot), and
  that push claims its slot too.

Every push reads the deal's state when it is sent, after the commits that
asked for it, so the last message watchers get is the final state: a change
either pushes after its own commit, or a trailing push follows it at the next
slot; that push is skipped only when its slot was already claimed by an
immediate push, which started later and so read a newer state. Watchers get at
most one message per slot.

The trailing push runs on a timer thread of the process that scheduled it. If
that process dies in the fraction of a second before it fires, the push is
lost; a watcher's page reloads the snapshot when its socket reconnects.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

Send = Callable[[str], None]
DEFAULT_PUSHES_PER_SECOND = 4


def _now() -> float:
    return time.time()


def pushes_per_second() -> float:
    rate = getattr(
        settings, "GROUPBUY_PROGRESS_PUSHES_PER_SECOND", DEFAULT_PUSHES_PER_SECOND
    )
    return float(rate)


def _slot_key(deal_public_id: str, slot: int, what: str) -> str:
    return f"deals:progress:{deal_public_id}:{slot}:{what}"


def _claim(deal_public_id: str, slot: int, what: str) -> bool:
    # The key outlives its slot by a wide margin so clocks a little apart on
    # different servers still agree on who claimed it.
    return cache.add(_slot_key(deal_public_id, slot, what), 1, timeout=10)


def progress_push(deal_public_id: str, *, send: Send) -> None:
    """Push ``deal_public_id``'s progress now, or once at the next slot.

    ``send(deal_public_id)`` reads the progress and publishes it; call this
    after the change commits.
    """
    rate = pushes_per_second()
    if rate <= 0:
        send(deal_public_id)
        return
    now = _now()
    slot = int(now * rate)
    if _claim(deal_public_id, slot, "sent"):
        send(deal_public_id)
        return
    if _claim(deal_public_id, slot + 1, "trailing"):
        delay = max(0.0, (slot + 1) / rate - now)
        schedule_trailing(delay, _trailing_push, deal_public_id, slot + 1, send)


def _trailing_push(deal_public_id: str, slot: int, send: Send) -> None:
    if _claim(deal_public_id, slot, "sent"):
        send(deal_public_id)


def _run_in_timer_thread(func: Callable, *args) -> None:
    try:
        func(*args)
    except Exception:
        logger.exception("trailing progress push failed: %r", args)
    finally:
        # The timer thread opened its own database connection; do not leak it.
        connections.close_all()


def schedule_trailing(delay_seconds: float, func: Callable, *args) -> None:
    """Run ``func(*args)`` in ``delay_seconds`` on a daemon timer thread."""
    timer = threading.Timer(delay_seconds, _run_in_timer_thread, args=(func, *args))
    timer.daemon = True
    timer.start()
