"""Presentation helpers for the pages: times for the JS modules, percentages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def epoch_ms(value: datetime | None) -> int | str:
    """Render a datetime as epoch milliseconds (how deadlines travel to JS)."""
    if value is None:
        return ""
    return int(value.timestamp() * 1000)


@register.simple_tag
def server_now_ms() -> int:
    """The server's clock when the page was rendered, in epoch milliseconds."""
    return int(timezone.now().timestamp() * 1000)


@register.filter
def percent_of(part, whole) -> int:
    """Return ``part`` as a whole percentage of ``whole``, clamped to 0–100."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 100 if part > 0 else 0
    return max(0, min(100, int(part * 100 // whole)))
