"""A person's data over the API: export, erasure request; operators' queue."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from groupbuy.accounts.api import rate_limited_response
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.reauth import password_confirm
from groupbuy.core.api_answers import file_answer
from groupbuy.core.api_types import answer_choices
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.core.streaming import file_response
from groupbuy.ops import selectors, services
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.personal_data import export_zip

router = Router(tags=["personal data"])


class ErasureOut(Schema):
    id: str
    person_id: str  # the account's public id (never its phone or name)
    status: str = answer_choices(ErasureRequest.Status)
    requested_at: datetime
    due_at: datetime
    completed_at: datetime | None = None


class ErasurePageOut(PageOut):
    items: list[ErasureOut]


def erasure_out(request) -> dict:
    return {
        "id": request.public_id,
        "person_id": request.user.public_id,
        "status": request.status,
        "requested_at": request.requested_at,
        "due_at": request.due_at,
        "completed_at": request.completed_at,
    }


def export_response(user) -> HttpResponse:
    services.personal_data_exported(actor=user)
    return file_response(
        export_zip(user, site_name=settings.GROUPBUY_SITE_NAME),
        as_attachment=True,
        filename=f"groupbuy-data-{user.public_id}.zip",
        content_type="application/zip",
    )


@router.get(
    "/me/data/export",
    openapi_extra=file_answer(
        "A ZIP file (attachment) of JSON files, one per kind of data, and my photos.",
        ["application/zip"],
        refusals={
            401: "Not signed in: only the person may export (`unauthenticated`)."
        },
    ),
)
def data_export(request):
    """Download everything held about me: a ZIP of JSON files and my photos."""
    return export_response(request.auth)


class ErasureStatusOut(Schema):
    pending: ErasureOut | None
    # what keeps the account from being erased now, each saying what to do
    # first (empty when nothing does): the data page's list
    blockers: list[str]


@router.get("/me/data/erasure", response=ErasureStatusOut)
def erasure_status(request):
    """Return my pending erasure request, if any (``pending`` is null if not),
    and what would refuse erasing me now."""
    pending = selectors.erasure_pending_for(user=request.auth)
    return {
        "pending": erasure_out(pending) if pending else None,
        "blockers": selectors.erasure_blockers_for(user=request.auth),
    }


class ErasureAskIn(Schema):
    password: str = Field(min_length=1, max_length=128)


@router.post("/me/data/erasure", response={202: ErasureOut})
def erasure_ask(request, payload: ErasureAskIn):
    """Ask for my account and personal data to be erased by ``due_at``; my
    password first.

    A wrong password is a 400 ``password_wrong`` on ``password``; too many are a
    429 ``too_many_passwords`` with Retry-After (the phone change's own limit).
    """
    try:
        password_confirm(user=request.auth, password=payload.password)
    except AccountError as error:
        if error.retry_after:
            return rate_limited_response(error)
        raise
    return Status(202, erasure_out(services.erasure_request(actor=request.auth)))


@router.delete("/me/data/erasure", response=ErasureOut)
def erasure_withdraw(request):
    """Withdraw my pending erasure request."""
    pending = selectors.erasure_pending_for(user=request.auth)
    if pending is None:
        raise OpsError("not_found", _("No erasure request is pending."), status=404)
    return erasure_out(services.erasure_cancel(actor=request.auth, request=pending))


@router.get("/ops/erasures", response=ErasurePageOut)
def erasure_queue(
    request,
    paging: Query[PageIn],
    status: str = Query(
        "pending",
        description='`pending`, `completed` or `cancelled`; "" all (another '
        "value is a 400).",
    ),
):
    """List erasure requests (operators only, paged)."""
    requests = selectors.erasure_list_for_operator(user=request.auth, status=status)
    result = paginate(requests, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [erasure_out(item) for item in result.items])


@router.post("/ops/erasures/{request_id}/perform", response=ErasureOut)
def erasure_perform(request, request_id: str):
    """Erase now, before the period ends (operators only)."""
    item = selectors.erasure_get_for_operator(user=request.auth, request_id=request_id)
    return erasure_out(services.erasure_perform(actor=request.auth, request=item))
