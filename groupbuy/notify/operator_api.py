"""Failed deliveries over the operator API (/api/operator/deliveries/…): list
them and hand them to the workers again."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from groupbuy.core.api_answers import json_answer
from groupbuy.core.api_types import registered_answer_choices
from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.core.plugins import notification_kinds
from groupbuy.notify import selectors, services

router = Router(tags=["notify"])

MAX_RETRIED_IDS = 100


def _channels() -> list[str]:
    return list(selectors.delivery_channel_labels())


def _kinds() -> list[str]:
    return list(notification_kinds())


class FailedDeliveryOut(Schema):
    id: str = Field(
        examples=["ntf_4k9x2m7q8r3t5w6y-sms"],
        description="the delivery: its notification's id and its channel",
    )
    channel: str = registered_answer_choices(_channels)
    channel_label: str
    failed_at: datetime
    attempts: int
    error: str = Field(
        description="the last error, addresses masked, cut to 120 characters"
    )
    recipient: str = Field(
        description="masked, as +86138****1234 (l****@example.com for an e-mail)"
    )
    kind: str = registered_answer_choices(_kinds, description="what the message was")
    kind_label: str


class FailedDeliveryPageOut(PageOut):
    items: list[FailedDeliveryOut]


class DeliveryRetryIn(Schema):
    ids: list[str] = Field(
        default_factory=list,
        max_length=MAX_RETRIED_IDS,
        description="the deliveries to retry (their ``id``)",
    )
    channel: str = registered_answer_choices(
        _channels, "", default="", description="retry every failed one of it"
    )


class DeliveryRetryOut(Schema):
    queued: int = Field(description="how many failed deliveries were queued again")


@router.get(
    "/failed",
    response=FailedDeliveryPageOut,
    openapi_extra=json_answer(
        "A page of failed deliveries.",
        refusals={
            400: "No such channel (`invalid`).",
            403: "Not an operator (`forbidden`).",
        },
    ),
)
def failed_deliveries(
    request,
    paging: Query[PageIn],
    channel: str = Query(
        "", description='One channel\'s deliveries (`sms`, `email`, …); "" all.'
    ),
):
    """List the deliveries that ran out of attempts (SMS, e-mail, in-app, web
    push), newest failure first, of one channel or all ("");
    operators only. Nothing of the message's words: its kind only."""
    deliveries = selectors.delivery_failed_list_for_operator(
        user=request.auth, channel=channel
    )
    result = paginate(deliveries, page=paging.page, page_size=paging.page_size)
    return page_payload(
        result, [selectors.delivery_failed_row(item) for item in result.items]
    )


@router.post(
    "/retry",
    response=DeliveryRetryOut,
    openapi_extra=json_answer(
        "How many were queued again.",
        refusals={
            400: "Neither or both of `ids` and `channel`, or no such channel "
            "(`invalid`).",
            403: "Not an operator (`forbidden`).",
        },
    ),
)
def deliveries_retry(request, payload: DeliveryRetryIn):
    """Give failed deliveries a fresh set of attempts (after fixing an SMTP
    setting or a provider's account, say): those ``ids`` name, or every failed
    one of ``channel``. One that is not failed (sent since, or retried already)
    is left alone, so a retry sent twice queues nothing the second time."""
    selectors.deliveries_operator_check(request.auth)
    if bool(payload.ids) == bool(payload.channel):
        message = _("Name the deliveries to retry, or a channel: one of the two.")
        raise DomainError("invalid", message)
    if payload.channel:
        queued = services.delivery_retry_failed(
            actor=request.auth,
            channel=selectors.delivery_channel_checked(payload.channel),
        )
    else:
        queued = services.delivery_retry_failed(
            actor=request.auth,
            delivery_ids=selectors.delivery_ids_for_references(payload.ids),
        )
    return {"queued": queued}
