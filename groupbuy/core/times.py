"""Times as people read them: stored in UTC, shown in the site's time zone
(settings.TIME_ZONE), like the templates' date filter does."""

from __future__ import annotations

from django.utils import formats, timezone


def format_local_time(moment) -> str:
    """``moment`` in the site's time zone, to the minute: "2026-12-11 07:00"."""
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
