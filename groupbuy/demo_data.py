"""Demo data for ``groupbuy demo``: idempotent, safe to load again."""

from __future__ import annotations


def load_demo() -> list[tuple[str, str, str]]:
    """Load the demo data and return (role, phone, password) logins."""
    return []
