"""Each process's copy of the platform's public keys, which every scan reads.

The platform keys change a few times a year. Each process keeps them (never
their private halves) and reloads when the shared cache's stamp changes (a
rotation or revocation in any process), or after KEY_CACHE_SECONDS whatever
happens.
"""

from __future__ import annotations

import contextlib
import secrets
import time

from django.core.cache import cache

from groupbuy.core.transactions import after_commit
from groupbuy.coupons.models import PlatformKey

KEY_CACHE_SECONDS = 300
_STAMP = "coupons:platform-keys:stamp"
# (stamp, loaded at, rows), replaced whole so that threads never see half of it.
_snapshot: tuple | None = None


def _shared_stamp():
    try:
        return cache.get(_STAMP)
    except Exception:  # the cache is down: read the database every time
        return object()


def platform_keys_changed() -> None:
    """Make every process reload the platform keys on its next read."""
    global _snapshot
    _snapshot = None
    # If the cache is down, each process reloads within KEY_CACHE_SECONDS.
    with contextlib.suppress(Exception):
        cache.set(_STAMP, secrets.token_hex(8), None)


def platform_keys_changed_on_commit() -> None:
    """Announce a change of the platform keys now and again after commit."""
    platform_keys_changed()
    # A process reading before this commits could cache the old keys again.
    after_commit(platform_keys_changed)


def platform_keys_cached() -> tuple[tuple[int, bytes, object], ...]:
    """Return (key id, public key, verifies until) of every key not revoked,
    from this process's copy when it is current."""
    global _snapshot
    stamp = _shared_stamp()
    snapshot = _snapshot
    if (
        snapshot is not None
        and snapshot[0] == stamp
        and time.monotonic() - snapshot[1] <= KEY_CACHE_SECONDS
    ):
        return snapshot[2]
    rows = tuple(
        (key.key_id, bytes(key.public_key), key.verifies_until)
        for key in PlatformKey.objects.exclude(state=PlatformKey.State.REVOKED)
    )
    _snapshot = (stamp, time.monotonic(), rows)
    return rows
