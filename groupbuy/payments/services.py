"""Apply real providers' notifications: payments through escrow's callback path,
refund notices against our pending or confirmed refunds."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import transaction

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import NotFound
from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.models import Refund
from groupbuy.escrow.providers import get_enabled_provider
from groupbuy.escrow.providers.alipay import refund_request_number
from groupbuy.escrow.providers.base import PaymentEvent
from groupbuy.escrow.refunds import refund_confirm

logger = logging.getLogger(__name__)


def notification_receive(
    *, provider_name: str, body: bytes, headers: Mapping[str, str]
) -> str:
    """Verify a notification and apply it; return the outcome (committed)."""
    provider = get_enabled_provider(provider_name)
    parse = getattr(provider, "parse_notification", provider.parse_callback)
    notice = parse(body=body, headers=headers)
    if isinstance(notice, PaymentEvent):
        return payment_event_apply(provider_name=provider_name, event=notice)
    return refund_notice_apply(provider_name=provider_name, notice=notice)


def _refund_for(*, provider_name: str, out_refund_no: str) -> Refund:
    candidates = Refund.objects.select_related("intent").filter(
        intent__provider=provider_name
    )
    refund = candidates.filter(idempotency_key=out_refund_no).first()
    if refund is None and out_refund_no.startswith("rf_"):
        # Long keys travel hashed (refund_request_number); few refunds are pending.
        for pending in candidates.filter(status=Refund.Status.PENDING):
            if refund_request_number(pending.idempotency_key) == out_refund_no:
                return pending
    if refund is None:
        raise NotFound("unknown_refund", "No refund matches this notification.")
    return refund


def refund_notice_apply(*, provider_name: str, notice) -> str:
    """Confirm a pending refund the provider paid; report one it could not pay.

    A refund the provider accepted is already confirmed (``refund_send``); its
    SUCCESS notice then changes nothing. One whose answer was lost is confirmed
    here. ABNORMAL/CLOSED (the payer's card was closed…) need an operator: the
    money left escrow, so it is audited and logged, never silently dropped.
    """
    refund = _refund_for(
        provider_name=provider_name, out_refund_no=notice.out_refund_no
    )
    if notice.amount_fen != refund.amount_fen:
        from groupbuy.escrow.errors import EscrowError

        raise EscrowError("amount_mismatch", "The refund amount differs.", status=400)
    if notice.status == "SUCCESS":
        if refund.status == Refund.Status.PENDING:
            refund_confirm(refund=refund, provider_reference=notice.provider_reference)
            return "refund_confirmed"
        return "duplicate"
    with transaction.atomic():
        audit_log(
            actor=None,
            action="payments.refund.abnormal",
            obj=refund.intent,
            data={
                "refund": refund.public_id,
                "status": notice.status,
                "notice": notice.notice_id,
            },
        )
    logger.error(
        "%s refund %s ended %s: an operator must return the money another way",
        provider_name,
        refund.public_id,
        notice.status,
    )
    return "refund_abnormal"
