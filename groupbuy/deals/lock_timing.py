"""Measure how long a join holds its deal's row lock, for the join benchmark.

The conditional stock UPDATE takes the deal's row lock; the transaction's
commit lets it go. ``note_stock_taken()``, called right after that UPDATE,
records the span up to the commit (on_commit runs right after it) in
milliseconds, one number a line, in the file named by
``GROUPBUY_LOCK_TIMING_FILE``. Unset (the default) it does nothing but read a
setting. ``benchmarks/join_throughput.py`` reads the file.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction


def note_stock_taken() -> None:
    path = getattr(settings, "GROUPBUY_LOCK_TIMING_FILE", "")
    if not path:
        return
    started = time.perf_counter()

    def record() -> None:
        held_ms = (time.perf_counter() - started) * 1000
        with open(path, "a") as timings:
            timings.write(f"{held_ms:.3f}\n")

    # robust: a commit hook that raised would drop the hooks after it, among
    # them the one that keeps a file stored in the same transaction
    # (core.stored_files).
    transaction.on_commit(record, robust=True)
