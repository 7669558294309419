"""Every change to payment intents, refunds and held money.

Callers create an intent for a purpose, send the payer to ``intent_pay_url``,
and learn about the captured money through the handler they registered in
``groupbuy.escrow.handlers``. Provider callbacks are applied by
``groupbuy.escrow.callbacks``. Lock order, shared with the deals app: a payment
intent row before the purpose's rows (an order), and ledger accounts last.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.compiled import insert
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.escrow import ledger
from groupbuy.escrow.closing import intent_close_at_provider
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    PendingEarning,
    Refund,
)
from groupbuy.escrow.providers import (
    SANDBOX,
    default_provider_name,
    enabled_provider_names,
    get_enabled_provider,
    get_provider,
)
from groupbuy.escrow.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from groupbuy.realtime.publish import publish_to_user

Status = PaymentIntent.Status
Kind = LedgerAccount.Kind
SANDBOX_OUTCOMES = {"succeeded": PAYMENT_SUCCEEDED, "failed": PAYMENT_FAILED}


def _positive_fen(amount_fen, *, field: str = "amount_fen") -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise EscrowError(
            "invalid_amount",
            _("The amount must be a whole number of fen."),
            fields={field: [_("Enter a whole number of fen.")]},
        )
    if amount_fen <= 0:
        raise EscrowError(
            "invalid_amount",
            _("The amount must be more than zero."),
            fields={field: [_("Enter an amount above zero.")]},
        )
    return amount_fen


def intent_pay_url(intent: PaymentIntent) -> str:
    """Return the provider's hosted pay page for ``intent`` (a path for sandbox).

    With several providers enabled, the payer first chooses on the payments
    app's page (``groupbuy.payments``).
    """
    if len(enabled_provider_names()) > 1 and intent.status == Status.REQUIRES_PAYMENT:
        return reverse("payments:pay", kwargs={"intent_id": intent.public_id})
    return get_provider(intent.provider).pay_page_url(intent)


def intent_event(intent: PaymentIntent) -> dict:
    """Return the JSON pushed to the payer's sockets when ``intent`` changes."""
    return {
        "type": "escrow.intent.updated",
        "intent_id": intent.public_id,
        "status": intent.status,
        "amount_fen": intent.amount_fen,
        "refunded_fen": intent.refunded_fen,
        "purpose": intent.purpose,
        "reference": intent.reference,
    }


def push_intent_on_commit(intent: PaymentIntent) -> None:
    after_commit(publish_to_user, intent.payer.public_id, intent_event(intent))


def push_intent_event(intent: PaymentIntent) -> None:
    """Push ``intent`` as it stands to its payer's sockets now (outside a
    transaction, e.g. from a job)."""
    publish_to_user(intent.payer.public_id, intent_event(intent))


def payment_intent_create(
    *,
    actor,
    payer,
    amount_fen: int,
    purpose: str,
    reference: str,
    description: str,
    return_url: str = "",
    provider: str = "",
) -> PaymentIntent:
    """Create an intent awaiting payment; send the payer to ``intent_pay_url``.

    ``provider`` defaults to the first enabled one; a disabled one is refused.
    """
    _positive_fen(amount_fen)
    provider = provider or default_provider_name()
    get_enabled_provider(provider)
    if not purpose or not reference:
        raise ValueError("a payment intent needs a purpose and a reference")
    # No savepoint: inside a caller's transaction (a join) a failure here fails
    # the caller too, and the two round trips a savepoint costs are saved.
    with transaction.atomic(savepoint=False):
        # objects.create(), with the INSERT compiled once (a join's hot path).
        intent = insert(
            PaymentIntent(
                payer=payer,
                amount_fen=amount_fen,
                purpose=purpose,
                reference=reference,
                description=description[:200],
                return_url=return_url[:500],
                provider=provider,
            )
        )
        audit_log(
            actor=actor,
            action="escrow.intent.created",
            obj=intent,
            data={"amount_fen": amount_fen, "purpose": purpose, "ref": reference},
        )
    return intent


def payment_intent_cancel(*, actor, intent: PaymentIntent) -> PaymentIntent:
    """Stop ``intent`` from being paid; no change unless it still awaits payment.

    A provider that already took the money may still report success later; the
    capture then refunds it (see ``groupbuy.escrow.handlers``).
    """
    with transaction.atomic():
        now = timezone.now()
        cancelled = PaymentIntent.objects.filter(
            pk=intent.pk, status=Status.REQUIRES_PAYMENT
        ).update(status=Status.CANCELLED, cancelled_at=now, updated_at=now)
        intent.refresh_from_db()
        if cancelled:
            audit_log(actor=actor, action="escrow.intent.cancelled", obj=intent)
            push_intent_on_commit(intent)
            # A real provider closes the unpaid trade, so it can't be paid later.
            if hasattr(get_provider(intent.provider), "close_intent"):
                after_commit(intent_close_at_provider, intent_pk=intent.pk)
    return intent


def payment_intents_lock(*, intent_ids: Iterable[int]) -> dict[int, PaymentIntent]:
    """Lock intents by primary key, in pk order, inside the caller's transaction.

    Callers that will refund or cancel several intents take these locks before
    locking their own rows, keeping one lock order across apps.
    """
    locked = (
        PaymentIntent.objects.select_for_update(of=("self",))
        .select_related("payer")
        .filter(pk__in=list(intent_ids))
        .order_by("pk")
    )
    return {intent.pk: intent for intent in locked}


def _not_payable(intent: PaymentIntent) -> EscrowError:
    if intent.status == Status.SUCCEEDED or intent.submitted_at is not None:
        return Conflict("already_paid", _("This payment has already been made."))
    if intent.status == Status.CANCELLED:
        return Conflict(
            "payment_cancelled",
            _("This payment was cancelled and can no longer be paid."),
        )
    return Conflict(
        "payment_failed", _("This payment was declined; it cannot be paid again.")
    )


def sandbox_payment_submit(
    *,
    actor,
    intent: PaymentIntent,
    outcome: str = "succeeded",
    callback_delay_seconds: float | None = None,
    callback_copies: int = 1,
) -> PaymentIntent:
    """Pay (or decline) ``intent`` on the sandbox gateway, as its payer.

    The gateway answers by a signed callback sent from a job after this commits.
    ``callback_delay_seconds`` makes it late and ``callback_copies`` sends the
    same event several times, as real gateways sometimes do.
    """
    if intent.payer_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such payment."))
    get_enabled_provider(SANDBOX)  # 404 where the sandbox is switched off
    if intent.provider != SANDBOX:
        raise EscrowError("wrong_provider", _("This payment is not a sandbox one."))
    if outcome not in SANDBOX_OUTCOMES:
        raise EscrowError(
            "invalid_outcome", _("Choose to pay or to decline."), fields={"outcome": []}
        )
    from groupbuy.escrow.providers import sandbox
    from groupbuy.escrow.tasks import sandbox_callbacks_send

    with transaction.atomic():
        now = timezone.now()
        submitted = PaymentIntent.objects.filter(
            pk=intent.pk, status=Status.REQUIRES_PAYMENT, submitted_at__isnull=True
        ).update(submitted_at=now, updated_at=now)
        intent.refresh_from_db()
        if not submitted:
            raise _not_payable(intent)
        payload = sandbox.build_event(intent, event_type=SANDBOX_OUTCOMES[outcome])
        sandbox.record_payment(payload)
        audit_log(
            actor=actor,
            action="escrow.intent.submitted",
            obj=intent,
            data={"outcome": outcome, "event_id": payload["id"]},
        )
        if callback_delay_seconds is None:
            callback_delay_seconds = getattr(
                settings, "GROUPBUY_SANDBOX_CALLBACK_DELAY_SECONDS", 0
            )
        after_commit(
            sandbox_callbacks_send,
            payload,
            delay_seconds=callback_delay_seconds,
            copies=callback_copies,
        )
    return intent


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
    _positive_fen(amount_fen)
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


def platform_fee_fen(amount_fen: int, *, fee_bps: int | None = None) -> int:
    """Return the platform's fee on ``amount_fen``, rounded half up to a fen."""
    bps = settings.GROUPBUY_PLATFORM_FEE_BPS if fee_bps is None else fee_bps
    return min(amount_fen, (amount_fen * bps + 5_000) // 10_000)


def escrow_release(
    *,
    actor,
    intent: PaymentIntent,
    merchant,
    amount_fen: int,
    idempotency_key: str,
    memo: str = "",
    to_pending: bool = False,
    reference: str = "",
) -> LedgerTransaction:
    """Pay ``amount_fen`` held for ``intent`` to ``merchant``, minus the platform fee.

    ``to_pending`` moves it in full to the merchant's pending account instead
    (earned on ``reference``, settled redemption by redemption with
    ``escrow_settle_redemption``). Idempotent on ``idempotency_key``, also when
    two calls race: the intent is locked before the key is checked.
    """
    _positive_fen(amount_fen)
    with transaction.atomic():
        intent = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        done = LedgerTransaction.objects.filter(idempotency_key=idempotency_key)
        if found := done.first():
            return _repeat_or_conflict(found, amount_fen=amount_fen)
        released = PaymentIntent.objects.filter(
            pk=intent.pk,
            status=Status.SUCCEEDED,
            released_fen__lte=F("amount_fen") - F("refunded_fen") - amount_fen,
        ).update(released_fen=F("released_fen") + amount_fen, updated_at=timezone.now())
        if not released:
            raise Conflict(
                "not_enough_held",
                _("Not enough of this payment is held to release %(amount)s.")
                % {"amount": format_fen(amount_fen)},
            )
        held = ledger.shopper_held_account(user=intent.payer)
        if to_pending:
            fee_fen = 0
            posting = _post_to_pending(
                intent=intent,
                merchant=merchant,
                amount_fen=amount_fen,
                idempotency_key=idempotency_key,
                reference=reference or intent.reference,
                memo=memo or intent.description,
            )
        else:
            fee_fen = platform_fee_fen(amount_fen)
            posting = ledger.ledger_post(
                kind="escrow.hold.released",
                idempotency_key=idempotency_key,
                entries=[(held, -amount_fen), *_payable_and_fee(merchant, amount_fen)],
                reference_type="escrow.paymentintent",
                reference_id=intent.public_id,
                memo=memo or intent.description,
            )
        intent.refresh_from_db()
        audit_log(
            actor=actor,
            action="escrow.hold.pending" if to_pending else "escrow.hold.released",
            obj=intent,
            data={
                "amount_fen": amount_fen,
                "fee_fen": fee_fen,
                "merchant": merchant.public_id,
            },
        )
    return posting


def _repeat_or_conflict(posting: LedgerTransaction, *, amount_fen: int):
    """Return ``posting`` if it moved ``amount_fen``; a reused key is an error."""
    moved = sum(
        amount
        for amount in posting.entries.values_list("amount_fen", flat=True)
        if amount > 0
    )
    if moved != amount_fen:
        raise Conflict(
            "idempotency_key_reused",
            _("This request key was already used for a different money movement."),
        )
    return posting


def _payable_and_fee(merchant, amount_fen: int) -> list:
    fee_fen = platform_fee_fen(amount_fen)
    entries = []
    if amount_fen - fee_fen:
        payable = ledger.merchant_payable_account(merchant=merchant)
        entries.append((payable, amount_fen - fee_fen))
    if fee_fen:
        revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
        entries.append((revenue, fee_fen))
    return entries


def _post_to_pending(
    *, intent, merchant, amount_fen, idempotency_key, reference, memo
) -> LedgerTransaction:
    earning, created = PendingEarning.objects.get_or_create(
        reference=reference, defaults={"merchant": merchant, "amount_fen": amount_fen}
    )
    if not created:
        PendingEarning.objects.filter(pk=earning.pk).update(
            amount_fen=F("amount_fen") + amount_fen
        )
    return ledger.ledger_post(
        kind="escrow.hold.pending",
        idempotency_key=idempotency_key,
        entries=[
            (ledger.shopper_held_account(user=intent.payer), -amount_fen),
            (ledger.merchant_pending_account(merchant=merchant), amount_fen),
        ],
        reference_type="escrow.paymentintent",
        reference_id=intent.public_id,
        memo=memo,
    )


def escrow_settle_redemption(
    *, actor, order, amount_fen: int, idempotency_key: str
) -> LedgerTransaction:
    """Move ``amount_fen`` of ``order``'s earning from the merchant's pending
    account to its payable, minus the platform fee (one coupon redemption).

    ``order`` is anything with a ``public_id`` whose charge went to pending
    (a ``DealOrder`` of a deal settled on redemption). Idempotent on
    ``idempotency_key``; never settles more than was earned.
    """
    _positive_fen(amount_fen)
    with transaction.atomic():
        # Only the earning row: locking its merchant too (a plain FOR UPDATE
        # over the join) made every settlement of a merchant queue on, and
        # deadlock with, the others.
        earning = (
            PendingEarning.objects.select_for_update(of=("self",))
            .select_related("merchant")
            .filter(reference=order.public_id)
            .first()
        )
        if earning is None:
            raise Conflict(
                "nothing_pending",
                _("Nothing is waiting to be settled for this order."),
            )
        if found := LedgerTransaction.objects.filter(
            idempotency_key=idempotency_key
        ).first():
            return _repeat_or_conflict(found, amount_fen=amount_fen)
        settled = PendingEarning.objects.filter(
            pk=earning.pk, settled_fen__lte=F("amount_fen") - amount_fen
        ).update(settled_fen=F("settled_fen") + amount_fen, updated_at=timezone.now())
        if not settled:
            raise Conflict(
                "not_enough_pending",
                _("Only %(left)s of this order is still waiting to be settled.")
                % {"left": format_fen(earning.amount_fen - earning.settled_fen)},
            )
        merchant = earning.merchant
        pending = ledger.merchant_pending_account(merchant=merchant)
        posting = ledger.ledger_post(
            kind="escrow.redemption.settled",
            idempotency_key=idempotency_key,
            entries=[(pending, -amount_fen), *_payable_and_fee(merchant, amount_fen)],
            reference_type="escrow.pendingearning",
            reference_id=order.public_id,
            memo=_("Redemption of %(order)s") % {"order": order.public_id},
        )
        audit_log(
            actor=actor,
            action="escrow.redemption.settled",
            obj=earning,
            data={
                "order": order.public_id,
                "amount_fen": amount_fen,
                "fee_fen": platform_fee_fen(amount_fen),
            },
        )
    return posting


def escrow_forfeit_deposit(
    *,
    actor,
    intent: PaymentIntent,
    amount_fen: int,
    to_account: LedgerAccount,
    rule: str,
    idempotency_key: str,
) -> LedgerTransaction:
    """Keep ``amount_fen`` of a held deposit: move it to ``to_account``.

    ``rule`` names why (e.g. ``"demands.initiator_withdrew"``) and is kept on the
    posting and in the audit log. The amount counts as spent for the payer.
    """
    _positive_fen(amount_fen)
    if not rule:
        raise ValueError("a forfeit needs the rule that allows it")
    if to_account.kind in (Kind.EXTERNAL, Kind.GATEWAY_CLEARING, Kind.SHOPPER_HELD):
        raise ValueError(f"a deposit cannot be forfeited to {to_account.kind}")
    with transaction.atomic():
        intent = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        if found := LedgerTransaction.objects.filter(
            idempotency_key=idempotency_key
        ).first():
            return _repeat_or_conflict(found, amount_fen=amount_fen)
        kept = PaymentIntent.objects.filter(
            pk=intent.pk,
            status=Status.SUCCEEDED,
            released_fen__lte=F("amount_fen") - F("refunded_fen") - amount_fen,
        ).update(released_fen=F("released_fen") + amount_fen, updated_at=timezone.now())
        if not kept:
            raise Conflict(
                "not_enough_held",
                _("Not enough of this payment is held to release %(amount)s.")
                % {"amount": format_fen(amount_fen)},
            )
        posting = ledger.ledger_post(
            kind="escrow.deposit.forfeited",
            idempotency_key=idempotency_key,
            entries=[
                (ledger.shopper_held_account(user=intent.payer), -amount_fen),
                (to_account, amount_fen),
            ],
            reference_type="escrow.paymentintent",
            reference_id=intent.public_id,
            memo=rule,
        )
        intent.refresh_from_db()
        audit_log(
            actor=actor,
            action="escrow.deposit.forfeited",
            obj=intent,
            data={"amount_fen": amount_fen, "rule": rule, "to": to_account.public_id},
        )
    return posting


def payment_intent_apply(
    *, actor, intent: PaymentIntent, purpose: str, reference: str
) -> PaymentIntent:
    """Apply a held payment (a deposit) to another purpose, e.g. an order.

    Several intents may then pay one reference, each counting toward its
    amount; the money stays held, only its owner changes.
    """
    with transaction.atomic():
        intent = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        if (intent.purpose, intent.reference) == (purpose, reference):
            return intent
        if intent.status != Status.SUCCEEDED or intent.remaining_held_fen <= 0:
            raise Conflict(
                "not_held", _("Only a payment still held can be applied elsewhere.")
            )
        previous = {"purpose": intent.purpose, "reference": intent.reference}
        intent.purpose, intent.reference = purpose, reference
        intent.save(update_fields=["purpose", "reference", "updated_at"])
        audit_log(
            actor=actor,
            action="escrow.intent.applied",
            obj=intent,
            data={"from": previous, "purpose": purpose, "ref": reference},
        )
    return intent
