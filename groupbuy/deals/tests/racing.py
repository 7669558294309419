"""Run many calls at the same moment, each thread on its own connection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection

from groupbuy.core.errors import DomainError


def race(calls: list[Callable[[], object]], *, max_connections: int = 0) -> Counter:
    """Start every call together; return a Counter of outcomes.

    An outcome is "ok", a DomainError's code, or "crash: …" for anything else
    (which a test should treat as a failure). ``max_connections`` caps how many
    threads hold a database connection at once (PostgreSQL's max_connections is
    usually 100); 0 means no cap.
    """
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(calls))
    gate = threading.BoundedSemaphore(max_connections or len(calls))

    def run(call) -> None:
        start.wait()
        with gate:
            try:
                call()
                outcome = "ok"
            except DomainError as refusal:
                outcome = refusal.code
            except Exception as error:
                outcome = f"crash: {error!r}"
            finally:
                connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes
