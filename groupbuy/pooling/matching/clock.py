"""The engine's clock for its time budget: wall time by default.

A benchmark on a shared machine may measure the budget in this process's CPU
time instead (``with cpu_time(): ...``), so that other processes' load does not
eat the engine's budget; solver time limits stay wall time (they are given
what is left, so the engine never uses more CPU than its budget).
"""

from __future__ import annotations

import contextlib
import time

_now = time.perf_counter


def now() -> float:
    return _now()


@contextlib.contextmanager
def cpu_time():
    global _now
    previous, _now = _now, time.process_time
    try:
        yield
    finally:
        _now = previous
