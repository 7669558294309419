"""Reports over the API: a shopper's report, and the operators' queue."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from groupbuy.accounts.phones import mask_phone
from groupbuy.core.api_answers import json_answer
from groupbuy.core.api_types import answer_choices
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.moderation import selectors, services
from groupbuy.moderation.models import NOTE_MAX_CHARS, Report
from groupbuy.sharing.selectors import message_get_for_participant

router = Router(tags=["moderation"])
operator_router = Router(tags=["moderation"])


class ReportIn(Schema):
    reason: Literal["spam", "offensive", "fraud", "other"]
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ReportOut(Schema):
    id: str
    reason: str = answer_choices(Report.Reason)
    note: str
    status: str = answer_choices(Report.Status)
    created_at: datetime
    closed_at: datetime | None


class OperatorReportOut(ReportOut):
    reporter_phone: str = Field(description="masked, as +86138****1234")
    item_kind: str = answer_choices(["reply"])
    item_id: str
    item_text: str
    item_is_hidden: bool


class OperatorReportPageOut(PageOut):
    items: list[OperatorReportOut]


def report_out(report: Report) -> dict:
    return {
        "id": report.public_id,
        "reason": report.reason,
        "note": report.note,
        "status": report.status,
        "created_at": report.created_at,
        "closed_at": report.closed_at,
    }


def operator_report_out(report: Report) -> dict:
    return {
        **report_out(report),
        "reporter_phone": mask_phone(report.reporter.phone),
        "item_kind": "reply",
        "item_id": report.message.public_id,
        "item_text": report.message.body,
        "item_is_hidden": report.message.removed_at is not None,
    }


@router.post("/replies/{message_id}/report", response={200: ReportOut, 201: ReportOut})
def reply_report(request, message_id: str, payload: ReportIn):
    """Report a reply in a thread I take part in (not my own); reporting it
    again while my report is open answers that report (200). At most
    GROUPBUY_MODERATION_REPORTS_PER_DAY reports in any 24 hours (429)."""
    message = message_get_for_participant(user=request.auth, message_id=message_id)
    reported = services.report_message(
        actor=request.auth, message=message, reason=payload.reason, note=payload.note
    )
    return Status(201 if reported.is_new else 200, report_out(reported.report))


@operator_router.get(
    "",
    response=OperatorReportPageOut,
    openapi_extra=json_answer(
        "A page of reports.", refusals={403: "Not an operator (`forbidden`)."}
    ),
)
def report_queue(
    request,
    paging: Query[PageIn],
    status: Literal["open", "hidden", "dismissed", ""] = "open",
):
    """List reports by status, newest first ("" for all; operators only)."""
    reports = selectors.report_list_for_operator(user=request.auth, status=status)
    result = paginate(reports, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [operator_report_out(item) for item in result.items])


@operator_router.post(
    "/{report_id}/hide",
    response=OperatorReportOut,
    openapi_extra=json_answer(
        "The report, hidden (as it is when it was hidden before).",
        refusals={
            403: "Not an operator (`forbidden`).",
            409: "The report was already closed the other way (`report_closed`).",
        },
    ),
)
def report_hide(request, report_id: str):
    """Hide the reported item from everyone but operators, closing all its
    open reports and telling its author; a hidden report answers as it is."""
    report = services.report_hide(actor=request.auth, report_id=report_id)
    return operator_report_out(report)


@operator_router.post(
    "/{report_id}/dismiss",
    response=OperatorReportOut,
    openapi_extra=json_answer(
        "The report, dismissed (as it is when it was dismissed before).",
        refusals={
            403: "Not an operator (`forbidden`).",
            409: "The report was already closed the other way (`report_closed`).",
        },
    ),
)
def report_dismiss(request, report_id: str):
    """Close all open reports of the item and leave it as it is."""
    report = services.report_dismiss(actor=request.auth, report_id=report_id)
    return operator_report_out(report)
