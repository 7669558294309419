"""Shop applications over the API: a person's own, and the operators' queue."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from groupbuy.accounts.phones import mask_phone
from groupbuy.core.api_types import answer_choices
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.ops import selectors
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import (
    shop_application_approve,
    shop_application_decline,
    shop_application_submit,
    shop_application_view_for_operator,
    shop_application_withdraw,
)

router = Router(tags=["shop applications"])
operator_router = Router(tags=["shop applications"])


class ShopApplicationIn(Schema):
    name: str
    name_en: str = ""
    # The applicant's own number when left out or empty.
    contact_phone: str = ""
    branch_address: str
    sells: str
    note: str = ""
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per application (a UUID fits): sent again, it "
            "answers the application the first request made (200)."
        ),
    )


class ShopApplicationOut(Schema):
    id: str
    status: str = answer_choices(ShopApplication.Status)
    name: str
    name_en: str
    contact_phone: str
    branch_address: str
    sells: str
    note: str
    decline_reason: str
    # the shop opened when it was approved
    merchant_id: str | None
    created_at: datetime
    decided_at: datetime | None
    withdrawn_at: datetime | None


class OperatorShopApplicationOut(ShopApplicationOut):
    applicant_id: str


class OperatorShopApplicationMaskedOut(OperatorShopApplicationOut):
    # Only the application's detail, whose reading is audited, gives the number
    # in full (as ops.lookup does); the queue and the decisions' answers (a
    # repeated approve records nothing) mask it.
    contact_phone: str = Field(description="masked, as +86138****1234")


class ShopApplicationPageOut(PageOut):
    items: list[ShopApplicationOut]


class OperatorShopApplicationPageOut(PageOut):
    items: list[OperatorShopApplicationMaskedOut]


class DeclineIn(Schema):
    reason: str


def application_out(application: ShopApplication) -> dict:
    return {
        "id": application.public_id,
        "status": application.status,
        "name": application.name,
        "name_en": application.name_en,
        "contact_phone": application.contact_phone,
        "branch_address": application.branch_address,
        "sells": application.sells,
        "note": application.note,
        "decline_reason": application.decline_reason,
        "merchant_id": application.merchant.public_id if application.merchant else None,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
        "withdrawn_at": application.withdrawn_at,
    }


def operator_application_out(application: ShopApplication) -> dict:
    return {
        **application_out(application),
        "applicant_id": application.applicant.public_id,
    }


def operator_application_masked_out(application: ShopApplication) -> dict:
    return {
        **operator_application_out(application),
        "contact_phone": mask_phone(application.contact_phone),
    }


@router.get("", response=ShopApplicationPageOut)
def my_applications(request, paging: Query[PageIn]):
    """List my applications to open a shop, newest first."""
    applications = selectors.shop_application_list_for_user(user=request.auth)
    result = paginate(applications, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [application_out(item) for item in result.items])


@router.post("", response={200: ShopApplicationOut, 201: ShopApplicationOut})
def application_submit(request, payload: ShopApplicationIn):
    """Apply to open a shop (one pending at a time: a second is a 409)."""
    application = shop_application_submit(
        actor=request.auth,
        **payload.dict(exclude={"idempotency_key"}),
        idempotency_key=payload.idempotency_key or "",
    )
    return Status(200 if application.is_repeat else 201, application_out(application))


@router.get("/{application_id}", response=ShopApplicationOut)
def my_application(request, application_id: str):
    """One of my applications, with its status and any reason it was declined."""
    application = selectors.shop_application_get_for_user(
        user=request.auth, application_id=application_id
    )
    return application_out(application)


@router.post("/{application_id}/withdraw", response=ShopApplicationOut)
def application_withdraw(request, application_id: str):
    """Withdraw my pending application."""
    application = selectors.shop_application_get_for_user(
        user=request.auth, application_id=application_id
    )
    return application_out(
        shop_application_withdraw(actor=request.auth, application=application)
    )


@operator_router.get("", response=OperatorShopApplicationPageOut)
def application_queue(
    request,
    paging: Query[PageIn],
    status: str = Query(
        "pending",
        description="The applications in this state (`pending`, `approved`, "
        '`declined`, `withdrawn`); "" all.',
    ),
):
    """List shop applications by status ("" for all; operators only, paged)."""
    applications = selectors.shop_application_list_for_operator(
        user=request.auth, status=status
    )
    result = paginate(applications, page=paging.page, page_size=paging.page_size)
    items = [operator_application_masked_out(item) for item in result.items]
    return page_payload(result, items)


@operator_router.get("/{application_id}", response=OperatorShopApplicationOut)
def application_detail(request, application_id: str):
    """One shop application with its contact phone in full (operators only;
    each read is audited)."""
    application = shop_application_view_for_operator(
        actor=request.auth, application_id=application_id
    )
    return operator_application_out(application)


@operator_router.post(
    "/{application_id}/approve", response=OperatorShopApplicationMaskedOut
)
def application_approve(request, application_id: str):
    """Open the shop: its merchant, owned by the applicant, and first branch."""
    application = selectors.shop_application_get_for_operator(
        user=request.auth, application_id=application_id
    )
    approved = shop_application_approve(actor=request.auth, application=application)
    return operator_application_masked_out(approved)


@operator_router.post(
    "/{application_id}/decline", response=OperatorShopApplicationMaskedOut
)
def application_decline(request, application_id: str, payload: DeclineIn):
    """Decline an application, saying why (the applicant reads the reason)."""
    application = selectors.shop_application_get_for_operator(
        user=request.auth, application_id=application_id
    )
    declined = shop_application_decline(
        actor=request.auth, application=application, reason=payload.reason
    )
    return operator_application_masked_out(declined)
