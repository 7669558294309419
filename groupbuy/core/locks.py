"""Named locks held until the surrounding transaction ends.

For a rule no single row stands for (a shop name not yet taken, a phone
number's code count, "at least one operator stays"). SQLite's BEGIN IMMEDIATE
already serialises every writer, so only PostgreSQL needs one: a transaction
advisory lock keyed by the name's digest.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def transaction_lock(name: str) -> None:
    """Wait for, then hold, the lock called ``name`` until the transaction
    ends (call inside ``transaction.atomic``)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(name.encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [int.from_bytes(digest[:8], "big", signed=True)],
        )
