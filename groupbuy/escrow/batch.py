"""Release and refund the held money of many intents at once (a settlement batch).

``escrow_release`` and ``payment_refund_locked`` move one intent's money with a
handful of queries each; settling a deal of 10,000 orders that way spends most
of its time on them. ``escrow_release_and_refund_many`` makes the same
movements for a whole batch with a fixed number of queries: the intents'
amounts in one UPDATE, the refunds in one insert, every ledger posting through
one ``ledger_post_many`` (each account's balance moved once), the audit rows in
one insert. The idempotency keys are the ones the single-intent services use,
so a batch can be retried by them and they by it.

It refuses (``EscrowError("batch_not_fresh")``, nothing written) a batch any of
whose keys was used already: the caller then goes through the single-intent
services, which know how to repeat a movement. After commit the caller hands
the returned ids to ``escrow_batch_follow_up`` (from a job): the payers' pushes
and the provider calls for the refunds. A refund whose send is lost is sent by
``refunds_retry_due`` like any other.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log_many
from groupbuy.core.errors import Conflict
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    PendingEarning,
    Refund,
)
from groupbuy.escrow.services import platform_fee_fen, push_intent_event

Kind = LedgerAccount.Kind
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Release:
    """Pay ``amount_fen`` held for ``intent`` to the merchant (``escrow_release``)."""

    intent: PaymentIntent
    amount_fen: int
    idempotency_key: str
    reference: str


@dataclass(frozen=True)
class RefundOrder:
    """Refund ``amount_fen`` of ``intent`` to its payer (``payment_refund``)."""

    intent: PaymentIntent
    amount_fen: int
    idempotency_key: str
    reason: str


@dataclass(frozen=True)
class BatchResult:
    intent_ids: list[int]
    refund_ids: list[int]


def escrow_release_and_refund_many(
    *,
    actor,
    merchant,
    releases: Sequence[Release],
    refunds: Sequence[RefundOrder],
    memo: str,
    to_pending: bool = False,
) -> BatchResult:
    """Make ``releases`` (to ``merchant``, minus the fee, or to its pending
    account) and ``refunds`` in one go, inside the caller's transaction.

    The caller holds the intents' locks (``payment_intents_lock``) and passes
    the locked, fresh intents. Raise ``batch_not_fresh`` if a key was used,
    ``not_enough_held`` if an intent cannot cover its movements,
    ``InsufficientFunds`` if a balance would go negative; nothing is written then.
    """
    _check_fresh(releases, refunds)
    with transaction.atomic():
        intents = _move_intent_amounts(releases, refunds)
        refund_rows = Refund.objects.bulk_create(
            Refund(
                intent=refund.intent,
                amount_fen=refund.amount_fen,
                idempotency_key=refund.idempotency_key,
                reason=str(refund.reason)[:200],
                status=Refund.Status.PENDING,
                actor=actor if getattr(actor, "pk", None) else None,
            )
            for refund in refunds
        )
        if to_pending:
            _add_pending_earnings(merchant, releases)
        ledger.ledger_post_many(
            postings=[
                *_release_postings(
                    merchant, releases, memo=memo, to_pending=to_pending
                ),
                *_refund_postings(refunds, refund_rows),
            ]
        )
        audit_log_many(
            actor=actor,
            entries=_audit_entries(merchant, releases, refund_rows, to_pending),
        )
    return BatchResult(
        intent_ids=sorted(intent.pk for intent in intents),
        refund_ids=[refund.pk for refund in refund_rows],
    )


def _check_fresh(releases, refunds) -> None:
    release_keys = [release.idempotency_key for release in releases]
    refund_keys = [refund.idempotency_key for refund in refunds]
    used = LedgerTransaction.objects.filter(idempotency_key__in=release_keys).exists()
    used = used or Refund.objects.filter(idempotency_key__in=refund_keys).exists()
    if used or len(set(release_keys)) != len(release_keys):
        raise EscrowError(
            "batch_not_fresh",
            _("Part of this batch was already moved; move it item by item."),
            status=409,
        )


def _move_intent_amounts(releases, refunds) -> list[PaymentIntent]:
    """Add the batch's movements to its intents; refuse overdrafts.

    One conditional UPDATE per distinct (released, refunded) pair of amounts (a
    batch of equal orders has one), each checking in its WHERE clause that
    every intent still holds what it gives.
    """
    intents: dict[int, PaymentIntent] = {}
    moves: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for release in releases:
        intents[release.intent.pk] = release.intent
        moves[release.intent.pk][0] += _positive(release.amount_fen)
    for refund in refunds:
        intents[refund.intent.pk] = refund.intent
        moves[refund.intent.pk][1] += _positive(refund.amount_fen)
    by_move: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, (released, refunded) in moves.items():
        by_move[released, refunded].append(pk)
    now = timezone.now()
    for (released, refunded), pks in by_move.items():
        moved = PaymentIntent.objects.filter(
            pk__in=pks,
            status=PaymentIntent.Status.SUCCEEDED,
            released_fen__lte=F("amount_fen") - F("refunded_fen") - released - refunded,
        ).update(
            released_fen=F("released_fen") + released,
            refunded_fen=F("refunded_fen") + refunded,
            updated_at=now,
        )
        if moved != len(pks):
            raise Conflict(
                "not_enough_held",
                _("Not enough of these payments is held to release %(amount)s.")
                % {"amount": format_fen(released + refunded)},
            )
    for pk, intent in intents.items():
        intent.released_fen += moves[pk][0]
        intent.refunded_fen += moves[pk][1]
        intent.updated_at = now
    return list(intents.values())


def _positive(amount_fen: int) -> int:
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValueError(f"a batch moves whole positive amounts of fen: {amount_fen!r}")
    return amount_fen


def _add_pending_earnings(merchant, releases) -> None:
    earned: dict[str, int] = defaultdict(int)
    for release in releases:
        earned[release.reference] += release.amount_fen
    existing = PendingEarning.objects.filter(reference__in=list(earned))
    if existing.exists():
        # Rare (an order paid by several intents across batches): one at a time.
        for reference, amount_fen in earned.items():
            earning, created = PendingEarning.objects.get_or_create(
                reference=reference,
                defaults={"merchant": merchant, "amount_fen": amount_fen},
            )
            if not created:
                earning.amount_fen += amount_fen
                earning.save(update_fields=["amount_fen", "updated_at"])
        return
    PendingEarning.objects.bulk_create(
        PendingEarning(reference=reference, merchant=merchant, amount_fen=amount_fen)
        for reference, amount_fen in earned.items()
    )


def _release_postings(merchant, releases, *, memo, to_pending) -> list:
    if not releases:
        return []
    held = ledger.shopper_held_accounts(
        user_ids=[release.intent.payer_id for release in releases]
    )
    if to_pending:
        pending = ledger.merchant_pending_account(merchant=merchant)
    else:
        payable = ledger.merchant_payable_account(merchant=merchant)
        revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    postings = []
    for release in releases:
        amount_fen = release.amount_fen
        if to_pending:
            credit = [(pending, amount_fen)]
        else:
            fee_fen = platform_fee_fen(amount_fen)
            credit = [(payable, amount_fen - fee_fen), (revenue, fee_fen)]
        postings.append(
            ledger.Posting(
                kind="escrow.hold.pending" if to_pending else "escrow.hold.released",
                idempotency_key=release.idempotency_key,
                entries=[
                    (held[release.intent.payer_id], -amount_fen),
                    *[(account, fen) for account, fen in credit if fen],
                ],
                reference_type="escrow.paymentintent",
                reference_id=release.intent.public_id,
                memo=memo or release.intent.description,
            )
        )
    return postings


def _refund_postings(refunds, refund_rows) -> list:
    if not refunds:
        return []
    held = ledger.shopper_held_accounts(
        user_ids=[refund.intent.payer_id for refund in refunds]
    )
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    return [
        ledger.Posting(
            kind="escrow.refund.sent",
            idempotency_key=f"{row.public_id}:sent",
            entries=[
                (held[refund.intent.payer_id], -refund.amount_fen),
                (clearing, refund.amount_fen),
            ],
            reference_type="escrow.refund",
            reference_id=row.public_id,
            memo=refund.intent.description,
        )
        for refund, row in zip(refunds, refund_rows, strict=True)
    ]


def _audit_entries(merchant, releases, refund_rows, to_pending) -> list:
    action = "escrow.hold.pending" if to_pending else "escrow.hold.released"
    entries = [
        (
            action,
            release.intent,
            {
                "amount_fen": release.amount_fen,
                "fee_fen": 0 if to_pending else platform_fee_fen(release.amount_fen),
                "merchant": merchant.public_id,
            },
        )
        for release in releases
    ]
    entries += [
        (
            "escrow.refund.issued",
            row.intent,
            {
                "refund": row.public_id,
                "amount_fen": row.amount_fen,
                "reason": row.reason,
            },
        )
        for row in refund_rows
    ]
    return entries


def escrow_batch_follow_up(*, intent_ids: Sequence[int], refund_ids: Sequence[int]):
    """After a batch committed (from a job): push each payer their intents as they
    now stand and ask the provider to pay each refund (``refund_send``)."""
    from groupbuy.escrow.refunds import refunds_send_many

    intents = PaymentIntent.objects.filter(pk__in=list(intent_ids)).select_related(
        "payer"
    )
    for intent in intents.order_by("pk"):
        push_intent_event(intent)
    if refund_ids:
        try:
            refunds_send_many(refund_pks=refund_ids)
        except Exception:  # the retry job takes over; never break the caller
            logger.exception("sending %s refunds failed", len(refund_ids))
