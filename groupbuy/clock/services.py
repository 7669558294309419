"""The server's clock: the one every deadline is judged by.

Deadlines travel to clients as absolute epoch milliseconds (never "seconds left"),
and a refusal names how late the request was by this clock.
"""

from __future__ import annotations

import time
from datetime import datetime

# The event a deadline change is pushed as; docs/architecture.md, "Clock and
# deadlines".
DEADLINE_EVENT_TYPE = "deal.deadline"


def server_now_ms() -> float:
    """Return the server's clock in epoch milliseconds (microsecond resolution)."""
    return time.time_ns() / 1_000_000


def epoch_ms(moment: datetime) -> int:
    """Return a timezone-aware datetime as whole epoch milliseconds."""
    if moment.tzinfo is None:
        raise ValueError("deadlines are timezone-aware")
    return round(moment.timestamp() * 1000)


def late_by_ms(deadline: datetime, *, now_ns: int | None = None) -> int:
    """Return by how many whole milliseconds ``deadline`` has passed by the
    server's clock (0 if it has not, or passed less than a millisecond ago)."""
    now = time.time_ns() if now_ns is None else now_ns
    if deadline.tzinfo is None:
        raise ValueError("deadlines are timezone-aware")
    deadline_ns = round(deadline.timestamp() * 1_000_000) * 1000
    return max(0, (now - deadline_ns) // 1_000_000)


def deadline_event(*, deal_id: str, deadline: datetime, reason: str = "") -> dict:
    """Build the pushed event for a changed deadline, stamped with its send time.

    Clients drop it when it reaches them more than a second after ``sent_ms``
    (by their synchronised clock), and fetch the deal's state afresh instead.
    """
    return {
        "type": DEADLINE_EVENT_TYPE,
        "deal_id": deal_id,
        "deadline_ms": epoch_ms(deadline),
        "reason": reason,
        "sent_ms": round(server_now_ms(), 3),
    }
