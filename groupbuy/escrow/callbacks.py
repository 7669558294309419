"""Apply payment providers' callbacks: verified, idempotent, order-tolerant.

- A bad signature is refused (400) before anything is read.
- An unknown intent is 404; an amount or currency that differs from the
  intent's is refused (400) and changes nothing.
- Each provider event id is applied once: a duplicate is answered 200 and
  changes nothing.
- Events may arrive out of order. A late "failed" after "succeeded" changes
  nothing. A "succeeded" for an intent we already gave up on (cancelled because
  the order expired, or failed) still captures the money — it really moved —
  and the purpose's capture handler decides whether to keep it or refund it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import NotFound
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.handlers import capture_handler_for, failure_handler_for
from groupbuy.escrow.models import LedgerAccount, PaymentIntent, ProviderEvent
from groupbuy.escrow.providers import get_enabled_provider
from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED, PaymentEvent
from groupbuy.escrow.services import payment_refund_locked, push_intent_on_commit

Status = PaymentIntent.Status
Outcome = ProviderEvent.Outcome
DUPLICATE = "duplicate"


def payment_callback_receive(
    *, provider_name: str, body: bytes, headers: Mapping[str, str]
) -> str:
    """Verify a provider's callback request and apply it; return the outcome."""
    provider = get_enabled_provider(provider_name)
    event = provider.parse_callback(body=body, headers=headers)
    return payment_event_apply(provider_name=provider_name, event=event)


def payment_event_apply(*, provider_name: str, event: PaymentEvent) -> str:
    """Apply one verified event; return an Outcome value or ``"duplicate"``."""
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update(of=("self",))
            .select_related("payer")
            .filter(public_id=event.intent_id, provider=provider_name)
            .first()
        )
        if intent is None:
            raise NotFound("unknown_intent", _("No payment matches this callback."))
        _check_amount(intent, event)
        if ProviderEvent.objects.filter(
            provider=provider_name, event_id=event.event_id
        ).exists():
            return DUPLICATE
        if event.type == PAYMENT_SUCCEEDED:
            outcome = _capture(intent, event)
        else:
            outcome = _mark_failed(intent)
        try:
            with transaction.atomic():
                ProviderEvent.objects.create(
                    provider=provider_name,
                    event_id=event.event_id,
                    intent=intent,
                    type=event.type,
                    outcome=outcome,
                    payload=event.payload,
                )
        except IntegrityError:
            # The same event applied concurrently through another connection;
            # undo ours so the money moves once.
            transaction.set_rollback(True)
            return DUPLICATE
    return outcome


def _check_amount(intent: PaymentIntent, event: PaymentEvent) -> None:
    if event.amount_fen != intent.amount_fen or event.currency != intent.currency:
        raise EscrowError(
            "amount_mismatch",
            _(
                "The callback is for %(got)s %(got_currency)s but the payment is "
                "for %(want)s %(want_currency)s."
            )
            % {
                "got": event.amount_fen,
                "got_currency": event.currency,
                "want": intent.amount_fen,
                "want_currency": intent.currency,
            },
            status=400,
        )


def _capture(intent: PaymentIntent, event: PaymentEvent) -> str:
    if intent.status == Status.SUCCEEDED:
        return Outcome.IGNORED
    previous_status = intent.status
    intent.status = Status.SUCCEEDED
    intent.succeeded_at = timezone.now()
    intent.provider_reference = event.provider_reference[:100]
    intent.save(
        update_fields=["status", "succeeded_at", "provider_reference", "updated_at"]
    )
    handler = capture_handler_for(intent.purpose)
    is_accepted = handler(intent=intent) if handler else True
    _post_capture(intent)
    audit_log(
        actor=None,
        action="escrow.payment.captured",
        obj=intent,
        data={
            "event_id": event.event_id,
            "amount_fen": intent.amount_fen,
            "previous_status": previous_status,
            "accepted": is_accepted,
        },
    )
    push_intent_on_commit(intent)
    if is_accepted:
        return Outcome.CAPTURED
    payment_refund_locked(
        actor=None,
        intent=intent,
        amount_fen=intent.amount_fen,
        idempotency_key=f"{intent.public_id}:not-accepted",
        reason="not_accepted",
    )
    return Outcome.CAPTURED_AND_REFUNDED


def _post_capture(intent: PaymentIntent) -> None:
    external = ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
    clearing = ledger.system_account(kind=LedgerAccount.Kind.GATEWAY_CLEARING)
    held = ledger.shopper_held_account(user=intent.payer)
    common = {
        "reference_type": "escrow.paymentintent",
        "reference_id": intent.public_id,
        "memo": intent.description,
    }
    ledger.ledger_post(
        kind="escrow.payment.received",
        idempotency_key=f"{intent.public_id}:received",
        entries=[(external, -intent.amount_fen), (clearing, intent.amount_fen)],
        **common,
    )
    ledger.ledger_post(
        kind="escrow.payment.captured",
        idempotency_key=f"{intent.public_id}:captured",
        entries=[(clearing, -intent.amount_fen), (held, intent.amount_fen)],
        **common,
    )


def _mark_failed(intent: PaymentIntent) -> str:
    if intent.status != Status.REQUIRES_PAYMENT:
        return Outcome.IGNORED
    intent.status = Status.FAILED
    intent.failed_at = timezone.now()
    intent.save(update_fields=["status", "failed_at", "updated_at"])
    handler = failure_handler_for(intent.purpose)
    if handler:
        handler(intent=intent)
    audit_log(actor=None, action="escrow.payment.failed", obj=intent)
    push_intent_on_commit(intent)
    return Outcome.FAILED
