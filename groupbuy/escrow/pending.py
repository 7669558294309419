"""Money earned into merchant-pending that goes back: refunds and reversals.

A deal settled on redemption moves each confirmed order's charge to the
merchant's pending account (``escrow.hold.pending``); redemptions settle it to
payable (``escrow.redemption.settled``). Two movements undo part of that:

- ``escrow_refund_pending``: units never redeemed are given back to the
  shopper (a coupon that expired under the "refund the shopper" rule). The
  amount returns from pending to the payer's held account
  (``escrow.pending.returned``) and leaves through the ordinary refund path
  (``payment_refund_locked``: a pending ``Refund``, the provider called after
  commit, retried until confirmed).
- ``escrow_reverse_redemption``: a settled redemption turned out not to count
  (an offline redemption superseded by an earlier one); its posting is undone
  exactly (``escrow.redemption.reversed``), back to pending.

Lock order as everywhere in escrow: payment intents (pk order), then the
pending earning, then ledger accounts.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerTransaction,
    PaymentIntent,
    PendingEarning,
    Refund,
)
from groupbuy.escrow.services import (
    payment_intents_lock,
    payment_refund_locked,
    positive_fen,
    repeat_or_conflict,
)

RETURNED = "escrow.pending.returned"
REVERSED = "escrow.redemption.reversed"


def _locked_earning(order) -> PendingEarning:
    earning = (
        PendingEarning.objects.select_for_update(of=("self",))
        .select_related("merchant")
        .filter(reference=order.public_id)
        .first()
    )
    if earning is None:
        raise Conflict(
            "nothing_pending", _("Nothing is waiting to be settled for this order.")
        )
    return earning


def _released_intents(order) -> list[PaymentIntent]:
    ids = PaymentIntent.objects.filter(
        reference=order.public_id, status=PaymentIntent.Status.SUCCEEDED
    ).values_list("pk", flat=True)
    locked = payment_intents_lock(intent_ids=ids).values()
    return [intent for intent in locked if intent.released_fen > 0]


def _shares(intents, amount_fen: int) -> list[tuple[PaymentIntent, int]]:
    """Split ``amount_fen`` over the intents that released it, oldest first."""
    shares, left = [], amount_fen
    for intent in intents:
        part = min(left, intent.released_fen)
        if part > 0:
            shares.append((intent, part))
            left -= part
    if left:
        raise Conflict(
            "not_enough_released",
            _("Only %(released)s of this order's payments went to the merchant.")
            % {"released": format_fen(amount_fen - left)},
        )
    return shares


def _repeated_refunds(idempotency_key: str, *, amount_fen: int) -> list[Refund] | None:
    """The refunds of an earlier call with ``idempotency_key`` (None if there was
    none); a conflict if that call was for another amount."""
    found = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if found is None:
        return None
    repeat_or_conflict(found, amount_fen=amount_fen)
    return list(
        Refund.objects.filter(
            idempotency_key__startswith=f"{idempotency_key}:"
        ).order_by("pk")
    )


def escrow_refund_pending(
    *, actor, order, amount_fen: int, idempotency_key: str, reason: str = ""
) -> list[Refund]:
    """Give ``amount_fen`` of ``order``'s pending (unsettled) earning back to
    the shopper through the refund path; return the refunds.

    Idempotent on ``idempotency_key``: a second call returns the same refunds
    and moves nothing. Never takes more than is pending and unsettled.
    """
    positive_fen(amount_fen)
    with transaction.atomic():
        intents = _released_intents(order)
        earning = _locked_earning(order)
        repeated = _repeated_refunds(idempotency_key, amount_fen=amount_fen)
        if repeated is not None:
            return repeated
        shrunk = PendingEarning.objects.filter(
            pk=earning.pk, settled_fen__lte=F("amount_fen") - amount_fen
        ).update(amount_fen=F("amount_fen") - amount_fen, updated_at=timezone.now())
        if not shrunk:
            raise Conflict(
                "not_enough_pending",
                _("Only %(left)s of this order is still waiting to be settled.")
                % {"left": format_fen(earning.amount_fen - earning.settled_fen)},
            )
        shares = _shares(intents, amount_fen)
        _post_returned(earning, shares, order=order, key=idempotency_key)
        refunds = [
            _refund_share(actor, intent, part, key=idempotency_key, reason=reason)
            for intent, part in shares
        ]
        audit_log(
            actor=actor,
            action="escrow.pending.refunded",
            obj=earning,
            data={
                "order": order.public_id,
                "amount_fen": amount_fen,
                "refunds": [refund.public_id for refund in refunds],
                "reason": reason,
            },
        )
    return refunds


def _post_returned(earning, shares, *, order, key: str) -> LedgerTransaction:
    by_payer: dict[int, int] = defaultdict(int)
    payers = {}
    for intent, part in shares:
        by_payer[intent.payer_id] += part
        payers[intent.payer_id] = intent.payer
    pending = ledger.merchant_pending_account(merchant=earning.merchant)
    entries = [(pending, -sum(by_payer.values()))] + [
        (ledger.shopper_held_account(user=payers[payer_id]), part)
        for payer_id, part in by_payer.items()
    ]
    return ledger.ledger_post(
        kind=RETURNED,
        idempotency_key=key,
        entries=entries,
        reference_type="escrow.pendingearning",
        reference_id=order.public_id,
        memo=order.public_id,
    )


def _refund_share(actor, intent, part: int, *, key: str, reason: str) -> Refund:
    # The share is no longer released: it is held again, then refunded.
    PaymentIntent.objects.filter(pk=intent.pk, released_fen__gte=part).update(
        released_fen=F("released_fen") - part, updated_at=timezone.now()
    )
    intent.refresh_from_db()
    return payment_refund_locked(
        actor=actor,
        intent=intent,
        amount_fen=part,
        idempotency_key=f"{key}:{intent.public_id}",
        reason=reason,
    )


def escrow_reverse_redemption(
    *, actor, order, settlement_key: str, idempotency_key: str
) -> LedgerTransaction | None:
    """Undo the redemption settled with ``settlement_key``: payable and fee go
    back to ``order``'s pending earning, exactly as they were posted.

    Return the reversal, or None when nothing was settled under that key.
    Idempotent on ``idempotency_key``. Raises ``InsufficientFunds`` (and
    changes nothing) when the merchant was already paid out the amount.
    """
    with transaction.atomic():
        earning = _locked_earning(order)
        if found := LedgerTransaction.objects.filter(
            idempotency_key=idempotency_key
        ).first():
            return found
        settled = LedgerTransaction.objects.filter(
            idempotency_key=settlement_key, kind="escrow.redemption.settled"
        ).first()
        if settled is None:
            return None
        entries = [
            (entry.account, -entry.amount_fen)
            for entry in settled.entries.select_related("account")
        ]
        amount_fen = sum(amount for _account, amount in entries if amount > 0)
        unsettled = PendingEarning.objects.filter(
            pk=earning.pk, settled_fen__gte=amount_fen
        ).update(settled_fen=F("settled_fen") - amount_fen, updated_at=timezone.now())
        if not unsettled:
            raise Conflict(
                "not_settled", _("This redemption's settlement cannot be undone.")
            )
        posting = ledger.ledger_post(
            kind=REVERSED,
            idempotency_key=idempotency_key,
            entries=entries,
            reference_type="escrow.pendingearning",
            reference_id=order.public_id,
            memo=order.public_id,
        )
        audit_log(
            actor=actor,
            action="escrow.redemption.reversed",
            obj=earning,
            data={
                "order": order.public_id,
                "amount_fen": amount_fen,
                "settlement": settled.public_id,
            },
        )
    return posting
