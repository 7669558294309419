"""Payment intents: create, pay (sandbox), cancel, lock, apply a provider's answer."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.compiled import insert
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.core.transactions import after_commit
from groupbuy.escrow.closing import intent_close_at_provider
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import (
    LedgerAccount,
    PaymentIntent,
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


def positive_fen(amount_fen, *, field: str = "amount_fen") -> int:
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


def intent_payer_url(intent: PaymentIntent) -> str:
    """Return where to send ``intent``'s payer: its pay page, or, once it was
    declined, the page it returns to. A declined payment cannot be paid; that
    page (the order's, the team's) says so and offers to pay again."""
    if intent.status == Status.FAILED and intent.return_url:
        return intent.return_url
    return intent_pay_url(intent)


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
    positive_fen(amount_fen)
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
    # The status first: a declined or cancelled payment was submitted too, and
    # telling its payer it was paid would stop them from paying at all.
    if intent.status == Status.FAILED:
        # A declined intent stays declined (the gateway closed it); paying again
        # is a new intent for the same purchase, e.g. an order's pay-again.
        return Conflict(
            "payment_failed",
            _(
                "This payment was declined, so it cannot be paid now. To try again, "
                "start a new payment: on your order, choose Try again."
            ),
        )
    if intent.status == Status.CANCELLED:
        return Conflict(
            "payment_cancelled",
            _("This payment was cancelled and can no longer be paid."),
        )
    # Succeeded, or submitted with its outcome still on its way.
    return Conflict("already_paid", _("This payment has already been made."))


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
        message = _("Choose to pay or to decline.")
        raise EscrowError("invalid_outcome", message, fields={"outcome": [message]})
    from groupbuy.escrow.providers import sandbox
    from groupbuy.escrow.tasks import sandbox_callbacks_send

    with transaction.atomic():
        # The payer's row first (accounts.services.payers): a payment made
        # counts as paid for erasure, which waits for this or refuses it.
        payer_lock(user=actor)
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
