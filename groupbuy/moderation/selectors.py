"""Reads of moderation, permission-checked."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils.translation import gettext

from groupbuy.core.plugins import ReportableItem, ReportWording, reportable_kinds
from groupbuy.core.plugins.reporting import MESSAGE_WORDING
from groupbuy.moderation.errors import ModerationError
from groupbuy.moderation.models import Report


def kind_at_path(path: str) -> tuple[str, object]:
    """Return the reportable kind named ``path`` in URLs; 404 for none."""
    for kind, declared in reportable_kinds().items():
        if declared.path == path:
            return kind, declared
    raise ModerationError(
        "not_found", gettext("There is no such kind of item."), status=404
    )


def kind_wording(kind: str) -> ReportWording:
    """Return what moderation calls ``kind``'s items (a kind no longer
    installed: messages)."""
    declared = reportable_kinds().get(kind)
    return getattr(declared, "wording", MESSAGE_WORDING)


def item_for_reporter(*, user, path: str, item_id: str) -> ReportableItem:
    """Return an item ``user`` may see and report; 404 otherwise, so that
    someone who may not see it learns nothing of it."""
    _kind, declared = kind_at_path(path)
    return declared.item_for_reporter(user=user, item_id=item_id)


def report_list_for_operator(*, user, status: str = "open") -> QuerySet[Report]:
    """Reports newest first, by status ("" for all); operators only."""
    if not getattr(user, "is_operator", False):
        raise ModerationError(
            "forbidden", gettext("Only operators can act on reports."), status=403
        )
    reports = Report.objects.select_related("reporter", "message").order_by(
        "-created_at", "-pk"
    )
    return reports.filter(status=status) if status else reports


def reports_with_items(reports: list[Report]) -> list[Report]:
    """Give each report its ``item`` (None when it is gone), its kind's
    ``kind_label`` and ``wording``, asking each kind once for all its items."""
    kinds = reportable_kinds()
    wanted = defaultdict(list)
    for report in reports:
        kind, item_id = report.item_reference
        wanted[kind].append(item_id)
    found = {
        kind: kinds[kind].items(item_ids=item_ids) if kind in kinds else {}
        for kind, item_ids in wanted.items()
    }
    for report in reports:
        kind, item_id = report.item_reference
        report.item = found[kind].get(item_id)
        report.kind_label = kinds[kind].label if kind in kinds else kind
        report.wording = getattr(kinds.get(kind), "wording", MESSAGE_WORDING)
    return reports


def report_get_for_operator(*, user, report_id: str) -> Report:
    """Return a report with its ``item``, ``kind_label`` and ``context`` (the
    item among the messages written just before and after it, or [] when it
    is gone); operators only, 404 for no such report."""
    report = report_list_for_operator(user=user, status="").filter(public_id=report_id)
    report = report.first()
    if report is None:
        raise ModerationError(
            "not_found", gettext("There is no such report."), status=404
        )
    reports_with_items([report])
    kind, item_id = report.item_reference
    declared = reportable_kinds().get(kind)
    report.context = (
        declared.context(item_id=item_id) if declared and report.item else []
    )
    return report
