"""Refunds of captured money, through the provider that took it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import is_operator
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import (
    LedgerAccount,
    PaymentIntent,
    Refund,
)
from groupbuy.escrow.services.intents import (
    payment_intents_lock,
    positive_fen,
    push_intent_on_commit,
)

Status = PaymentIntent.Status
Kind = LedgerAccount.Kind


def payment_refund_locked(
    *, actor, intent: PaymentIntent, amount_fen: int, idempotency_key: str, reason
) -> Refund:
    """Refund like ``payment_refund``, for callers already holding the intent's
    lock (``payment_intents_lock``) inside their own transaction."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.intent_id != intent.pk or existing.amount_fen != amount_fen:
            raise Conflict(
                "idempotency_key_reused",
                _("This refund key was already used for a different refund."),
            )
        return existing
    if intent.status != Status.SUCCEEDED:
        raise Conflict("not_captured", _("Only a completed payment can be refunded."))
    remaining = intent.amount_fen - intent.refunded_fen - intent.released_fen
    refunded = PaymentIntent.objects.filter(
        pk=intent.pk,
        status=Status.SUCCEEDED,
        refunded_fen__lte=F("amount_fen") - F("released_fen") - amount_fen,
    ).update(refunded_fen=F("refunded_fen") + amount_fen, updated_at=timezone.now())
    if not refunded:
        raise EscrowError(
            "refund_too_large",
            _("Only %(remaining)s of this payment can still be refunded.")
            % {"remaining": format_fen(remaining)},
            fields={"amount_fen": [_("Too much.")]},
        )
    refund = Refund.objects.create(
        intent=intent,
        amount_fen=amount_fen,
        idempotency_key=idempotency_key,
        reason=str(reason)[:200],
        status=Refund.Status.PENDING,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    _post_refund_sent(intent=intent, refund=refund)
    intent.refresh_from_db()
    audit_log(
        actor=actor,
        action="escrow.refund.issued",
        obj=intent,
        data={"refund": refund.public_id, "amount_fen": amount_fen, "reason": reason},
    )
    push_intent_on_commit(intent)
    # The provider is called after commit: a network call must not hold our
    # locks, and a rollback must not leave a refund the ledger never saw.
    from groupbuy.escrow.refunds import refund_send_after_commit

    after_commit(refund_send_after_commit, refund.pk)
    return refund


def _post_refund_sent(*, intent: PaymentIntent, refund: Refund) -> None:
    held = ledger.shopper_held_account(user=intent.payer)
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    ledger.ledger_post(
        kind="escrow.refund.sent",
        idempotency_key=f"{refund.public_id}:sent",
        entries=[(held, -refund.amount_fen), (clearing, refund.amount_fen)],
        reference_type="escrow.refund",
        reference_id=refund.public_id,
        memo=intent.description,
    )


def payment_refund(
    *,
    actor,
    intent: PaymentIntent,
    amount_fen: int,
    idempotency_key: str,
    reason: str = "",
) -> Refund:
    """Return ``amount_fen`` of a captured payment to its payer (full or partial).

    Calling again with the same ``idempotency_key`` returns the first refund and
    moves no more money.
    """
    positive_fen(amount_fen)
    with transaction.atomic():
        locked = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        refund = payment_refund_locked(
            actor=actor,
            intent=locked,
            amount_fen=amount_fen,
            idempotency_key=idempotency_key,
            reason=reason,
        )
    intent.refresh_from_db()
    return refund


def payment_refund_held(
    *, actor, intent: PaymentIntent, reason: str = "operator"
) -> Refund:
    """Return to the payer all that ``intent`` still holds in escrow (neither
    refunded nor released to the merchant): support's "Refund what is still
    held", from the admin, the operator's payment page and the API.

    Operators only (403 ``forbidden`` otherwise, nothing changed): the check is
    here rather than left to each caller, so none can forget it.

    Safe to repeat: what is held is read under the payment's lock, so a second
    call (a double click, a retried request) finds nothing held and is refused
    with 409 ``nothing_held``, moving no money.
    """
    if not is_operator(actor):
        raise Forbidden(
            "forbidden", _("Only operators can refund what a payment still holds.")
        )
    with transaction.atomic():
        locked = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        held_fen = locked.remaining_held_fen
        if held_fen <= 0:
            raise EscrowError(
                "nothing_held",
                _("This payment holds no money to refund."),
                status=409,
            )
        refund = payment_refund_locked(
            actor=actor,
            intent=locked,
            amount_fen=held_fen,
            # what was refunded before names this refund: one key per state
            idempotency_key=f"held:{locked.public_id}:{locked.refunded_fen}",
            reason=reason,
        )
    intent.refresh_from_db()
    return refund
