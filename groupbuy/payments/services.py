"""Apply real providers' notifications: payments through escrow's callback path,
refund notices against our pending or confirmed refunds."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.escrow.providers import (
    SANDBOX,
    enabled_provider_names,
    get_enabled_provider,
    get_provider,
)
from groupbuy.escrow.providers.alipay import refund_request_number
from groupbuy.escrow.providers.base import (
    DESKTOP,
    DEVICES,
    PHONE,
    WECHAT_BROWSER,
    PayAction,
    PaymentEvent,
    ProviderError,
)
from groupbuy.escrow.refunds import refund_confirm

logger = logging.getLogger(__name__)
Status = PaymentIntent.Status


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


def device_from_user_agent(user_agent: str) -> str:
    """Return which flow fits the browser: inside WeChat, a phone, or a desktop."""
    if "MicroMessenger" in user_agent:
        return WECHAT_BROWSER
    if any(mark in user_agent for mark in ("Mobile", "Android", "iPhone", "iPad")):
        return PHONE
    return DESKTOP


def providers_for_device(device: str) -> list[str]:
    """Return the enabled providers that can take a payment on ``device``."""
    return [
        name
        for name in enabled_provider_names()
        if device in getattr(get_provider(name), "devices", DEVICES)
    ]


def payment_start(
    *,
    actor,
    intent: PaymentIntent,
    provider_name: str,
    device: str,
    client_ip="",
    openid: str = "",
) -> PayAction:
    """Send ``intent`` to the provider the payer chose; return what the page does.

    The choice is recorded first (in its own transaction: the provider is
    called outside any). A real provider's payment counts as submitted from
    then on, so reconciliation asks about it and closing waits for it; the
    payer may open the same provider again but not switch to another one,
    whose trade would leave the first one's payable.
    """
    if intent.payer_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such payment."))
    if provider_name not in providers_for_device(device):
        raise EscrowError(
            "provider_unavailable",
            _("This way of paying is not available here."),
            fields={"provider": [_("Choose one of the ways shown.")]},
        )
    is_sandbox = provider_name == SANDBOX
    with transaction.atomic():
        # The payer's row first (accounts.services.payers): a payment started
        # counts as paid for erasure, which waits for this or refuses it.
        payer_lock(user=actor)
        now = timezone.now()
        switchable = Q(submitted_at__isnull=True) | Q(provider=provider_name)
        changed = (
            PaymentIntent.objects.filter(pk=intent.pk, status=Status.REQUIRES_PAYMENT)
            .filter(switchable)
            .update(
                provider=provider_name,
                submitted_at=None
                if is_sandbox
                else Coalesce(
                    F("submitted_at"), Value(now), output_field=DateTimeField()
                ),
                updated_at=now,
            )
        )
        intent.refresh_from_db()
        if not changed:
            raise Conflict(
                "payment_not_startable",
                _("This payment can no longer be started this way."),
            )
        audit_log(
            actor=actor,
            action="payments.payment.started",
            obj=intent,
            data={"provider": provider_name, "device": device},
        )
    provider = get_provider(provider_name)
    if is_sandbox:
        return PayAction(kind="redirect", url=provider.pay_page_url(intent))
    try:
        extra = {"openid": openid} if openid else {}
        return provider.pay_action(intent, device=device, client_ip=client_ip, **extra)
    except ProviderError as error:
        logger.warning("%s: starting %s failed: %s", provider_name, intent, error)
        raise EscrowError(
            "provider_error",
            _("The payment service did not answer. Please try again."),
            status=502,
        ) from None
