"""Money already released to a merchant that goes back to the shopper.

A deal settled on close pays each confirmed order to the merchant's payable,
less the platform's fee, when it closes (``escrow.hold.released``). When a rule
later gives part of such an order back to its shopper (a coupon of that deal
expired unredeemed under "refund the shopper"), ``escrow_take_back_released``
undoes that share of the release: the merchant's payable gives back the share
less its part of the fee, the platform's revenue gives back the fee's part,
both to the payer's held account (``escrow.released.returned``), and the money
leaves through the ordinary refund path (``payment_refund_locked``).

If the merchant's payable is lower than its part (the money was paid out
already), nothing moves: ``InsufficientFunds`` says how much is missing and the
caller decides when to try again.

Lock order as everywhere in escrow: payment intents (pk order), then ledger
accounts.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import InsufficientFunds
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerEntry,
    PendingEarning,
    Refund,
)
from groupbuy.escrow.pending import (
    _refund_share,
    _released_intents,
    _repeated_refunds,
    _shares,
)
from groupbuy.escrow.services import positive_fen

Kind = LedgerAccount.Kind
RELEASED = "escrow.hold.released"
RETURNED = "escrow.released.returned"


def escrow_take_back_released(
    *, actor, order, amount_fen: int, idempotency_key: str, reason: str = ""
) -> list[Refund]:
    """Give ``amount_fen`` of ``order``'s money, released to its merchant when
    the deal closed, back to the shopper; return the refunds.

    Idempotent on ``idempotency_key``: a second call returns the same refunds
    and moves nothing. Never takes back more than was released for the order.
    Raises ``InsufficientFunds`` (nothing written) when the merchant's payable
    cannot cover its part, and ``Conflict`` for an order whose money waits in
    merchant-pending (``escrow_refund_pending`` gives that back).
    """
    positive_fen(amount_fen)
    with transaction.atomic():
        intents = _released_intents(order)
        repeated = _repeated_refunds(idempotency_key, amount_fen=amount_fen)
        if repeated is not None:
            return repeated
        if PendingEarning.objects.filter(reference=order.public_id).exists():
            raise Conflict(
                "earning_pending",
                _(
                    "This order's money waits in the merchant's pending account; "
                    "it is refunded from there."
                ),
            )
        shares = _shares(intents, amount_fen)
        entries, merchant_part = _returned_entries(shares)
        try:
            posting = ledger.ledger_post(
                kind=RETURNED,
                idempotency_key=idempotency_key,
                entries=entries,
                reference_type="escrow.order",
                reference_id=order.public_id,
                memo=order.public_id,
            )
        except InsufficientFunds:
            raise InsufficientFunds(
                "merchant_balance_too_low",
                _(
                    "The merchant was paid %(part)s for these units when the deal "
                    "closed and its balance no longer covers it (already paid "
                    "out); the refund waits until it does."
                )
                % {"part": format_fen(merchant_part)},
            ) from None
        refunds = [
            _refund_share(actor, intent, part, key=idempotency_key, reason=reason)
            for intent, part in shares
        ]
        audit_log(
            actor=actor,
            action=RETURNED,
            obj=posting,
            data={
                "order": order.public_id,
                "amount_fen": amount_fen,
                "merchant_fen": merchant_part,
                "refunds": [refund.public_id for refund in refunds],
                "reason": reason,
            },
        )
    return refunds


def _returned_entries(shares) -> tuple[list, int]:
    """Return the posting's entries and the merchant's part of them.

    Each share goes back from the accounts its intent's release credited, in
    the proportion they were credited (the fee's part rounded half up), so the
    platform returns the fee it took on these units and the merchant the rest.
    """
    totals: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for intent, part in shares:
        credited = _release_credits(intent)
        released = sum(credited.values())
        fee = sum(
            fen
            for account, fen in credited.items()
            if account.kind != Kind.MERCHANT_PAYABLE
        )
        if not released:
            raise Conflict(
                "not_released",
                _("None of this payment was released to the merchant."),
            )
        fee_part = min(part, (2 * part * fee + released) // (2 * released))
        for account in credited:
            accounts[account.pk] = account
            is_fee = account.kind != Kind.MERCHANT_PAYABLE
            totals[account.pk] -= fee_part if is_fee else part - fee_part
        held = ledger.shopper_held_account(user=intent.payer)
        accounts[held.pk] = held
        totals[held.pk] += part
    entries = [(accounts[pk], fen) for pk, fen in totals.items() if fen]
    merchant_part = -sum(
        fen for pk, fen in totals.items() if accounts[pk].kind == Kind.MERCHANT_PAYABLE
    )
    return entries, merchant_part


def _release_credits(intent) -> dict[LedgerAccount, int]:
    """Return what ``intent``'s releases credited, by account (payable, fee)."""
    credited: dict[LedgerAccount, int] = defaultdict(int)
    entries = LedgerEntry.objects.filter(
        transaction__kind=RELEASED,
        transaction__reference_type="escrow.paymentintent",
        transaction__reference_id=intent.public_id,
        amount_fen__gt=0,
    ).select_related("account")
    for entry in entries:
        credited[entry.account] += entry.amount_fen
    payables = [a for a in credited if a.kind == Kind.MERCHANT_PAYABLE]
    if len(payables) > 1 or len(credited) > 2:
        raise Conflict(
            "release_unclear",
            _("This payment was released in a way that cannot be taken back."),
        )
    return credited
