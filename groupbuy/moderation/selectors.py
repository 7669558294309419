"""Reads of moderation, permission-checked."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from groupbuy.moderation.errors import ModerationError
from groupbuy.moderation.models import Report


def report_list_for_operator(*, user, status: str = "open") -> QuerySet[Report]:
    """Reports newest first, by status ("" for all); operators only."""
    if not getattr(user, "is_operator", False):
        raise ModerationError(
            "forbidden", gettext("Only operators can act on reports."), status=403
        )
    reports = Report.objects.select_related(
        "reporter", "message", "message__author", "message__share"
    ).order_by("-created_at", "-pk")
    return reports.filter(status=status) if status else reports
