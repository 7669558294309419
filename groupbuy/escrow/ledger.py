"""The one way money moves: ``ledger_post``.

Every caller (capture, refund, release) builds a list of (account, signed fen)
entries; ``ledger_post`` refuses anything that does not sum to zero, moves the
balances with conditional updates taken in primary-key order (so two postings
touching the same accounts can never deadlock on PostgreSQL), and raises
``InsufficientFunds`` — writing nothing — when a balance other than the external
one would go below zero. The sign convention is in ``escrow.models``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from groupbuy.escrow.errors import EscrowError, InsufficientFunds
from groupbuy.escrow.models import LedgerAccount, LedgerEntry, LedgerTransaction

Kind = LedgerAccount.Kind


def _account(*, kind: str, user=None, merchant=None) -> LedgerAccount:
    # get_or_create retries the lookup when a concurrent insert wins the race.
    account, _created = LedgerAccount.objects.get_or_create(
        kind=kind, user=user, merchant=merchant
    )
    return account


def shopper_held_account(*, user) -> LedgerAccount:
    return _account(kind=Kind.SHOPPER_HELD, user=user)


def merchant_payable_account(*, merchant) -> LedgerAccount:
    return _account(kind=Kind.MERCHANT_PAYABLE, merchant=merchant)


def merchant_pending_account(*, merchant) -> LedgerAccount:
    return _account(kind=Kind.MERCHANT_PENDING, merchant=merchant)


def system_account(*, kind: str) -> LedgerAccount:
    if kind not in LedgerAccount.SYSTEM_KINDS:
        raise ValueError(f"{kind} is not a platform-wide account")
    return _account(kind=kind)


def _validated(entries: Sequence[tuple[LedgerAccount, int]]) -> list:
    if len(entries) < 2:
        raise ValueError("a ledger transaction needs at least two entries")
    if sum(amount for _account, amount in entries) != 0:
        raise ValueError(f"ledger entries must sum to zero: {entries!r}")
    if any(amount == 0 or not isinstance(amount, int) for _a, amount in entries):
        raise ValueError("every ledger entry moves a non-zero whole number of fen")
    account_ids = [account.pk for account, _amount in entries]
    if len(set(account_ids)) != len(account_ids):
        raise ValueError("an account appears twice in one ledger transaction")
    return sorted(entries, key=lambda entry: entry[0].pk)


def _move_balance(account: LedgerAccount, amount_fen: int) -> None:
    accounts = LedgerAccount.objects.filter(pk=account.pk)
    if amount_fen < 0 and account.kind != Kind.EXTERNAL:
        accounts = accounts.filter(balance_fen__gte=-amount_fen)
    if accounts.update(balance_fen=F("balance_fen") + amount_fen) != 1:
        raise InsufficientFunds(
            "insufficient_funds",
            _("Not enough money in %(account)s to move %(amount)s fen.")
            % {"account": account, "amount": -amount_fen},
        )


def ledger_post(
    *,
    kind: str,
    idempotency_key: str,
    entries: Sequence[tuple[LedgerAccount, int]],
    reference_type: str = "",
    reference_id: str = "",
    memo: str = "",
) -> LedgerTransaction:
    """Post one balanced transaction, or return the one already posted with the key.

    Raise ``InsufficientFunds`` (and write nothing) when a balance other than the
    external account's would go negative. A key already used for a different
    movement raises ``idempotency_key_reused``; a key that a concurrent
    transaction posts while this one runs raises ``duplicate_posting`` (409): the
    caller's transaction must roll back, because whatever else it changed for
    this movement was changed by the other one too. Callers avoid that race by
    locking the row the movement belongs to before posting.
    """
    ordered = _validated(entries)
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key)
    if found := existing.first():
        return _same_posting_or_conflict(found, kind=kind, entries=ordered)
    try:
        with transaction.atomic():
            posting = LedgerTransaction.objects.create(
                kind=kind,
                idempotency_key=idempotency_key,
                reference_type=reference_type,
                reference_id=reference_id,
                memo=memo[:200],
            )
            for account, amount_fen in ordered:
                _move_balance(account, amount_fen)
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=posting, account=account, amount_fen=amount)
                for account, amount in ordered
            )
    except IntegrityError:
        if not existing.exists():
            raise
        # A concurrent caller posted the same key first; theirs stands, and
        # ours must not pretend to have moved the money.
        raise EscrowError(
            "duplicate_posting",
            _("This money movement was just made by another request."),
            status=409,
        ) from None
    return posting


def _same_posting_or_conflict(
    posting: LedgerTransaction, *, kind: str, entries: list
) -> LedgerTransaction:
    posted = sorted(posting.entries.values_list("account_id", "amount_fen"))
    wanted = sorted((account.pk, amount) for account, amount in entries)
    if posting.kind != kind or posted != wanted:
        raise EscrowError(
            "idempotency_key_reused",
            _("This request key was already used for a different money movement."),
            status=409,
        )
    return posting
