"""Held money released to the merchant (at close, on redemption) or forfeited."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    PendingEarning,
)
from groupbuy.escrow.services.intents import payment_intents_lock, positive_fen

Status = PaymentIntent.Status
Kind = LedgerAccount.Kind


def platform_fee_fen(amount_fen: int, *, fee_bps: int | None = None) -> int:
    """Return the platform's fee on ``amount_fen``, rounded half up to a fen."""
    bps = settings.GROUPBUY_PLATFORM_FEE_BPS if fee_bps is None else fee_bps
    return min(amount_fen, (amount_fen * bps + 5_000) // 10_000)


def platform_fee_expression(amount, *, fee_bps: int | None = None):
    """Return ``platform_fee_fen`` of the ``amount`` column as a database
    expression, so that the database can sum fees of many rows, each rounded
    as ``platform_fee_fen`` rounds it (amounts are never negative: integer
    division is floor division then)."""
    bps = settings.GROUPBUY_PLATFORM_FEE_BPS if fee_bps is None else fee_bps
    # In 64 bits: a 32-bit amount times the rate can outgrow 32 bits.
    amount = Cast(amount, BigIntegerField())
    return Least(
        amount, (amount * bps + 5_000) / 10_000, output_field=BigIntegerField()
    )


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
    positive_fen(amount_fen)
    with transaction.atomic():
        intent = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        done = LedgerTransaction.objects.filter(idempotency_key=idempotency_key)
        if found := done.first():
            return repeat_or_conflict(found, amount_fen=amount_fen)
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


def repeat_or_conflict(posting: LedgerTransaction, *, amount_fen: int):
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
    positive_fen(amount_fen)
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
            return repeat_or_conflict(found, amount_fen=amount_fen)
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
            memo=order.public_id,
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

    ``rule`` names why (e.g. ``"demands.initiator_withdrew"``) and is kept in the
    audit log; the posting's memo is the deposit's description, what its payer
    reads under "Deposit kept". The amount counts as spent for the payer.
    """
    positive_fen(amount_fen)
    if not rule:
        raise ValueError("a forfeit needs the rule that allows it")
    if to_account.kind in (Kind.EXTERNAL, Kind.GATEWAY_CLEARING, Kind.SHOPPER_HELD):
        raise ValueError(f"a deposit cannot be forfeited to {to_account.kind}")
    with transaction.atomic():
        intent = payment_intents_lock(intent_ids=[intent.pk])[intent.pk]
        if found := LedgerTransaction.objects.filter(
            idempotency_key=idempotency_key
        ).first():
            return repeat_or_conflict(found, amount_fen=amount_fen)
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
            memo=intent.description,
        )
        intent.refresh_from_db()
        audit_log(
            actor=actor,
            action="escrow.deposit.forfeited",
            obj=intent,
            data={"amount_fen": amount_fen, "rule": rule, "to": to_account.public_id},
        )
    return posting
