"""The audit trail over the operator API: every audit entry, newest first,
filtered as on the page (/operator/audit/; operators only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from groupbuy.core.api_answers import json_answer
from groupbuy.core.pagination import PageIn, PageOut, page_payload
from groupbuy.ops.audit_trail import (
    AuditFilters,
    audit_entries_for_operator,
    audit_rows,
)

router = Router()  # tagged "operator" where the package mounts it


class OperatorAuditIn(PageIn):
    action: str = Field(
        "",
        max_length=80,
        description='The start of the actions\' codes: "deals." or '
        '"deals.order.joined"; "" every action.',
    )
    actor: str = Field(
        "",
        max_length=40,
        description="Who acted: a phone number (their number now) or a person's "
        'id (`usr_…`); "" anyone, the platform included.',
    )
    object_type: str = Field(
        "",
        max_length=60,
        description='The kind of object acted on, as entries name it ("deals.deal", '
        '"accounts.user"); "" any.',
    )
    object_id: str = Field(
        "",
        max_length=60,
        description="The object's public id (with `object_type`, of a kind that "
        "has one).",
    )
    date_from: date | None = Field(
        None, description="The first day (Asia/Shanghai) of the entries listed."
    )
    date_to: date | None = Field(
        None, description="The last day (Asia/Shanghai) of the entries listed."
    )


class OperatorAuditEntryOut(Schema):
    created_at: datetime
    actor_id: str | None = Field(
        description="The person who acted (GET /api/operator/people/{id}); null "
        "for the platform itself (a job, a provider's callback)."
    )
    actor: str = Field(
        description="Their name, else their masked number (+86138****1234); "
        '"Deleted user" once erased; "" for the platform.'
    )
    actor_is_erased: bool
    action: str = Field(
        description="The dotted code of what was done (`deals.order.joined`): "
        "every app adds its own, so show `action_label` rather than switch on it."
    )
    action_label: str = Field(
        description='What the code means, in the request\'s language; "" where '
        "its app gives it no label."
    )
    object_type: str
    object_type_label: str
    object_id: str | None = Field(
        description="The object's public id; null for a kind of object without one."
    )
    data: dict[str, Any] = Field(
        description="The fields recorded with the entry: secrets replaced by "
        '"[redacted]", accounts by their last four characters, phone numbers masked.'
    )


class OperatorAuditPageOut(PageOut):
    items: list[OperatorAuditEntryOut]


@router.get(
    "/audit",
    response=OperatorAuditPageOut,
    openapi_extra=json_answer(
        "A page of audit entries, newest first.",
        refusals={
            400: "A filter that cannot be read: an action that is no code's "
            "start, an actor that is neither a phone number nor a person's id, "
            "an unknown kind of object, an id without its kind, an end before "
            "the start (`invalid`, on its field).",
            403: "Not an operator (`forbidden`).",
        },
    ),
)
def audit(request, params: Query[OperatorAuditIn]):
    """List the audit trail, newest first: who did what to which object, when,
    and the fields recorded (redacted), filtered by action, actor, object and
    days (operators only)."""
    result = audit_entries_for_operator(
        user=request.auth,
        filters=AuditFilters(
            action=params.action,
            actor=params.actor,
            object_type=params.object_type,
            object_id=params.object_id,
            date_from=params.date_from,
            date_to=params.date_to,
        ),
        page=params.page,
        page_size=params.page_size,
    )
    rows = audit_rows(result.items)
    for row in rows:
        del row["object_url"]  # a page's path; the API names objects by id
    return page_payload(result, rows)
