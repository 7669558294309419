"""Times as people read them: stored in UTC, shown in the site's time zone
(settings.TIME_ZONE), like the templates' date filter does; and times as the
API and the sockets write them."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone


def format_local_time(moment) -> str:
    """``moment`` in the site's time zone, to the minute: "2026-12-11 07:00"."""
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def api_time(moment: datetime) -> str:
    """Return ``moment`` as the API writes every time: ISO 8601 in UTC to the
    millisecond, "2026-12-11T07:00:00.123Z".

    A response schema's ``datetime`` field is written so by Django Ninja's
    renderer (Django's JSON encoder); this is the same encoder, for the times a
    socket event or a ``dict`` response carries, which a client must be able to
    read alike (teams, sharing and the pool chat wrote "+00:00" with
    microseconds until 2026-12-05).
    """
    return DjangoJSONEncoder().default(moment.astimezone(UTC))
