"""The one write path of moderation: report an item, hide it, dismiss reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext

from groupbuy.core.audit import audit_log
from groupbuy.core.plugins import ReportableItem, reportable_kinds
from groupbuy.moderation.errors import ModerationError
from groupbuy.moderation.models import NOTE_MAX_CHARS, Report, reports_of_item
from groupbuy.moderation.selectors import kind_wording
from groupbuy.notify.services import notification_enqueue

HIDDEN_KIND = "moderation.item.hidden"
DEFAULT_REPORTS_PER_DAY = 20


def reports_per_day() -> int:
    return getattr(
        settings, "GROUPBUY_MODERATION_REPORTS_PER_DAY", DEFAULT_REPORTS_PER_DAY
    )


@dataclass(frozen=True)
class Reported:
    report: Report
    is_new: bool


def _checked(reason: str, note: str) -> str:
    if reason not in Report.Reason.values:
        why = gettext("Choose why you report it: spam, offensive, fraud or other.")
        raise ModerationError("invalid_reason", why, fields={"reason": [why]})
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        why = gettext("Say it in at most %(count)d characters.") % {
            "count": NOTE_MAX_CHARS
        }
        raise ModerationError("note_too_long", why, fields={"note": [why]})
    return note


@transaction.atomic
def report_item(
    *, actor, item: ReportableItem, reason: str, note: str = ""
) -> Reported:
    """Report an item ``actor`` may see (the caller found it through its kind,
    ``selectors.item_for_reporter``); reporting it again while the first
    report is open answers that report."""
    note = _checked(reason, note)
    wording = kind_wording(item.kind)
    if item.author.pk == actor.pk:
        raise ModerationError("own_item", str(wording.own_item), status=409)
    if item.is_hidden:
        raise ModerationError(
            "already_removed", str(wording.already_removed), status=409
        )
    # The reporter's row, locked, puts their reports in a line: the count of
    # the day and the one-open-report check cannot both pass for two at once.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    existing = Report.objects.filter(
        reports_of_item(item.kind, item.id), reporter=actor, status=Report.Status.OPEN
    ).first()
    if existing is not None:
        return Reported(report=existing, is_new=False)
    since = timezone.now() - timedelta(days=1)
    if Report.objects.filter(reporter=actor, created_at__gte=since).count() >= (
        reports_per_day()
    ):
        raise ModerationError(
            "rate_limited",
            gettext("You have sent many reports today: try again tomorrow."),
            status=429,
        )
    report = Report.objects.create(
        reporter=actor, item_kind=item.kind, item_id=item.id, reason=reason, note=note
    )
    audit_log(
        actor=actor,
        action="moderation.report.created",
        obj=report,
        data={"kind": item.kind, "item": item.id, "reason": reason},
    )
    return Reported(report=report, is_new=True)


def _require_operator(user) -> None:
    if not getattr(user, "is_operator", False):
        raise ModerationError(
            "forbidden", gettext("Only operators can act on reports."), status=403
        )


def _close_item_reports(*, actor, report: Report, status: str) -> list[Report]:
    """Close every open report of the report's item with ``status``."""
    now = timezone.now()
    kind, item_id = report.item_reference
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(reports_of_item(kind, item_id), status=Report.Status.OPEN)
        .order_by("pk")
    )
    for each in reports:
        each.status, each.closed_at, each.closed_by = status, now, actor
        each.save(update_fields=["status", "closed_at", "closed_by"])
        audit_log(
            actor=actor,
            action=f"moderation.report.{status}",
            obj=each,
            data={"kind": kind, "item": item_id},
        )
    return reports


def _locked(report_id: str) -> Report:
    # of=("self",): the report's row alone. PostgreSQL refuses FOR UPDATE on
    # the nullable side of the outer join select_related makes for the message
    # a row of the release before names (the report's row lock is what
    # serialises two operators' actions).
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("message")
        .filter(public_id=report_id)
        .first()
    )
    if report is None:
        raise ModerationError(
            "not_found", gettext("There is no such report."), status=404
        )
    return report


def _closed_already(report: Report, wanted: str) -> Report:
    """A report closed as asked answers as it is (a repeat); closed the other
    way, the request is refused rather than undo the operator before."""
    if report.status == wanted:
        return report
    raise ModerationError(
        "report_closed",
        gettext("This report was already closed: %(status)s.")
        % {"status": report.get_status_display()},
        status=409,
    )


@transaction.atomic
def report_hide(*, actor, report_id: str) -> Report:
    """Hide the reported item from everyone but operators, close all its open
    reports, and tell its author why."""
    _require_operator(actor)
    report = _locked(report_id)
    if report.status != Report.Status.OPEN:
        return _closed_already(report, Report.Status.HIDDEN)
    kind, item_id = report.item_reference
    declared = reportable_kinds().get(kind)
    item = declared.items(item_ids=[item_id]).get(item_id) if declared else None
    if item is not None:  # one gone since (its thread deleted) has no one to tell
        declared.hide(actor=actor, item_id=item_id)
    _close_item_reports(actor=actor, report=report, status=Report.Status.HIDDEN)
    if item is not None:
        _tell_author(report, item)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_dismiss(*, actor, report_id: str) -> Report:
    """Close all open reports of the item, leaving the item as it is."""
    _require_operator(actor)
    report = _locked(report_id)
    if report.status != Report.Status.OPEN:
        return _closed_already(report, Report.Status.DISMISSED)
    _close_item_reports(actor=actor, report=report, status=Report.Status.DISMISSED)
    report.refresh_from_db()
    return report


def _tell_author(report: Report, item: ReportableItem) -> None:
    wording = kind_wording(item.kind)
    notification_enqueue(
        recipient=item.author,
        kind=HIDDEN_KIND,
        title=wording.removed_notice_title,
        body=format_lazy(
            wording.removed_notice_body, reason=Report.Reason(report.reason).label
        ),
        url=item.url,
        data={"kind": item.kind, "message": item.id},
        idempotency_key=f"{HIDDEN_KIND}:{item.kind}:{item.id}",
        channels=["in_app"],
    )
