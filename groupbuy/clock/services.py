"""The server's clock: the one every deadline is judged by.

Deadlines travel to clients as absolute epoch milliseconds (never "seconds left"),
and a refusal names how late the request was by this clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

# The event a deadline change is pushed as; docs/architecture.md, "Clock and
# deadlines".
DEADLINE_EVENT_TYPE = "deal.deadline"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def server_now_ms() -> float:
    """Return the server's clock in epoch milliseconds (microsecond resolution)."""
    return time.time_ns() / 1_000_000


def epoch_ms(moment: datetime) -> int:
    """Return a timezone-aware datetime as whole epoch milliseconds."""
    if moment.tzinfo is None:
        raise ValueError("deadlines are timezone-aware")
    return round(moment.timestamp() * 1000)


def late_by_ms(
    deadline: datetime, *, now: datetime | None = None, now_ns: int | None = None
) -> int:
    """Return by how many whole milliseconds ``deadline`` has passed by the
    server's clock (0 if it has not, or passed less than a millisecond ago).

    ``now`` (the moment a service judged the request by) or ``now_ns`` (epoch
    nanoseconds) default to the server's clock now.
    """
    if deadline.tzinfo is None or (now is not None and now.tzinfo is None):
        raise ValueError("deadlines are timezone-aware")
    if now is not None:
        now_ns = _epoch_us(now) * 1000
    elif now_ns is None:
        now_ns = time.time_ns()
    return max(0, (now_ns - _epoch_us(deadline) * 1000) // 1_000_000)


def _epoch_us(moment: datetime) -> int:
    # Exact: datetime arithmetic, not a float timestamp.
    return (moment - EPOCH) // timedelta(microseconds=1)


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
