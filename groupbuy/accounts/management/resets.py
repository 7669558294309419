"""What axes' reset commands print, for ours (``commands/axes_reset*.py``),
which take their place to audit the failed logins they delete."""

from __future__ import annotations


def removed_text(count: int) -> str:
    return f"{count} attempts removed." if count else "No attempts found."
