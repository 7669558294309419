"""Reports over the API: a shopper's report, and the operators' queue."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from groupbuy.accounts.phones import mask_phone
from groupbuy.core.api_answers import json_answer
from groupbuy.core.api_types import answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.core.plugins import reportable_kinds
from groupbuy.moderation import selectors, services
from groupbuy.moderation.models import NOTE_MAX_CHARS, Report

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
    item_kind: str = answer_choices(list(reportable_kinds()))
    item_id: str
    item_text: str = Field(description='as its author wrote it; "" when it is gone')
    item_is_hidden: bool
    item_image_url: AbsoluteUrl = Field(
        description='a reported photo (operators may open it); "" for text or '
        "when it is gone"
    )
    context_url: AbsoluteUrl = Field(
        description="the operators' page of the report: its message among "
        "those written around it"
    )


class ContextMessageOut(Schema):
    id: str
    author_phone: str = Field(description="masked, as +86138****1234")
    text: str = Field(description="as its author wrote it")
    is_hidden: bool
    is_reported: bool
    created_at: datetime


class OperatorReportDetailOut(OperatorReportOut):
    context: list[ContextMessageOut] = Field(
        description="the reported message with up to 5 on each side, oldest "
        "first; [] when it is gone"
    )


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
    """A report of the queue (given its item: selectors.reports_with_items)."""
    kind, item_id = report.item_reference
    item = report.item
    return {
        **report_out(report),
        "reporter_phone": mask_phone(report.reporter.phone),
        "item_kind": kind,
        "item_id": item_id,
        "item_text": item.body if item else "",
        "item_is_hidden": item.is_hidden if item else False,
        "item_image_url": item.image_url if item else "",
        "context_url": reverse("moderation_operator:report", args=[report.public_id]),
    }


def _operator_report_out(report: Report) -> dict:
    return operator_report_out(selectors.reports_with_items([report])[0])


@router.post("/{kind_path}/{item_id}/report", response={200: ReportOut, 201: ReportOut})
def item_report(request, kind_path: str, item_id: str, payload: ReportIn):
    """Report an item someone else wrote where I take part or may see it:
    ``kind_path`` is ``replies`` (a share thread's reply), ``pool-messages`` (a
    pool chat's), ``contact-messages`` (a contact chat's) or ``demand-photos``
    (a published buyer demand's photo); 404 for an item I may not see.
    Reporting it again while my report is open answers that report (200). At
    most GROUPBUY_MODERATION_REPORTS_PER_DAY reports in any 24 hours (429)."""
    item = selectors.item_for_reporter(
        user=request.auth, path=kind_path, item_id=item_id
    )
    reported = services.report_item(
        actor=request.auth, item=item, reason=payload.reason, note=payload.note
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
    status: Literal["open", "hidden", "dismissed", ""] = Query(
        "open", description='The reports in this state; "" all.'
    ),
):
    """List reports by status, newest first ("" for all; operators only)."""
    reports = selectors.report_list_for_operator(user=request.auth, status=status)
    result = paginate(reports, page=paging.page, page_size=paging.page_size)
    items = selectors.reports_with_items(list(result.items))
    return page_payload(result, [operator_report_out(report) for report in items])


@operator_router.get(
    "/{report_id}",
    response=OperatorReportDetailOut,
    openapi_extra=json_answer(
        "The report with its message among those written around it.",
        refusals={
            403: "Not an operator (`forbidden`).",
            404: "No such report (`not_found`).",
        },
    ),
)
def report_detail(request, report_id: str):
    """A report, and its message among those written just before and after
    it (operators only)."""
    report = selectors.report_get_for_operator(user=request.auth, report_id=report_id)
    reported_id = report.item.id if report.item else None
    return {
        **operator_report_out(report),
        "context": [
            {
                "id": message.id,
                "author_phone": mask_phone(message.author.phone),
                "text": message.body,
                "is_hidden": message.is_hidden,
                "is_reported": message.id == reported_id,
                "created_at": message.created_at,
            }
            for message in report.context
        ],
    }


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
    return _operator_report_out(report)


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
    return _operator_report_out(report)
