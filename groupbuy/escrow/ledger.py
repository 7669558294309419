"""The one way money moves: ``ledger_post``.

Every caller (capture, refund, release) builds a list of (account, signed fen)
entries; ``ledger_post`` refuses anything that does not sum to zero, moves the
balances with conditional updates taken in primary-key order (so two postings
touching the same accounts can never deadlock on PostgreSQL), and raises
``InsufficientFunds`` — writing nothing — when a shopper's or a merchant's
balance would go below zero. The sign convention is in ``escrow.models``.

Hot accounts. The platform-wide accounts (external, gateway clearing, platform
revenue, refunds paid) take part in every payment, refund and release. Updating
one balance row each would make every money movement on the platform wait for
the one before it on PostgreSQL, however many servers there are. So, like
Formance's ledger does for hot accounts, a posting adds its amount to one of
``GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS`` shard rows (default 256), chosen by the
posting's primary key: consecutive postings land on different rows, so
postings running at the same time collide only once more than ~128 capture
transactions (two postings each) are in flight. The balance is summed on read
(``account_balance_fen``: a few hundred small rows an account at most). These
balances are not checked per posting; the accounts that must never go below
zero (a shopper's held money, a merchant's payable) keep their one checked row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.escrow.errors import EscrowError, InsufficientFunds
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerAccountShard,
    LedgerEntry,
    LedgerKindTotal,
    LedgerTransaction,
)

Kind = LedgerAccount.Kind


def _account(*, kind: str, user=None, merchant=None) -> LedgerAccount:
    # get_or_create retries the lookup when a concurrent insert wins the race.
    account, _created = LedgerAccount.objects.get_or_create(
        kind=kind, user=user, merchant=merchant
    )
    return account


def shopper_held_account(*, user) -> LedgerAccount:
    return _account(kind=Kind.SHOPPER_HELD, user=user)


def shopper_held_accounts(*, user_ids: Sequence[int]) -> dict[int, LedgerAccount]:
    """Return the held accounts of many shoppers by user id, creating missing ones
    (two queries, three when some are new)."""
    wanted = set(user_ids)
    accounts = LedgerAccount.objects.filter(kind=Kind.SHOPPER_HELD, user_id__in=wanted)
    found = {account.user_id: account for account in accounts}
    if missing := wanted - found.keys():
        # A concurrent creator's row wins; read them all back.
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(kind=Kind.SHOPPER_HELD, user_id=pk) for pk in missing],
            ignore_conflicts=True,
        )
        found = {account.user_id: account for account in accounts.all()}
    return found


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


def is_hot(account: LedgerAccount) -> bool:
    """Return whether ``account`` is platform-wide, so sharded and unchecked."""
    return account.kind in LedgerAccount.SYSTEM_KINDS


def hot_account_shards() -> int:
    return max(1, int(getattr(settings, "GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS", 256)))


def _move_shard(account: LedgerAccount, amount_fen: int, *, shard: int) -> None:
    shards = LedgerAccountShard.objects.filter(account_id=account.pk, shard=shard)
    if shards.update(balance_fen=F("balance_fen") + amount_fen):
        return
    # First posting on this shard: create its row (a concurrent creator's wins).
    LedgerAccountShard.objects.bulk_create(
        [LedgerAccountShard(account_id=account.pk, shard=shard)],
        ignore_conflicts=True,
    )
    shards.update(balance_fen=F("balance_fen") + amount_fen)


def _move_balance(
    account: LedgerAccount, amount_fen: int, *, posting: LedgerTransaction
) -> None:
    if is_hot(account):
        _move_shard(account, amount_fen, shard=posting.pk % hot_account_shards())
        return
    accounts = LedgerAccount.objects.filter(pk=account.pk)
    if amount_fen < 0:
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
                _move_balance(account, amount_fen, posting=posting)
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


@dataclass(frozen=True)
class Posting:
    """One balanced transaction of ``ledger_post_many`` (``ledger_post``'s args)."""

    kind: str
    idempotency_key: str
    entries: Sequence[tuple[LedgerAccount, int]]
    reference_type: str = ""
    reference_id: str = ""
    memo: str = ""


def ledger_post_many(*, postings: Sequence[Posting]) -> list[LedgerTransaction]:
    """Post many balanced transactions at once; return them in the given order.

    What a settlement batch posts: each posting is checked as ``ledger_post``
    checks one, and a key already posted returns that posting (or raises
    ``idempotency_key_reused``) and moves nothing again. The new ones are
    written with two bulk inserts, and each account's balance moves once, by
    the sum of its entries: checked accounts are locked in primary-key order
    and moved by conditional UPDATEs, one per distinct total, that never take
    one below zero (raise ``InsufficientFunds``, writing nothing, if one
    would); a hot account moves on one shard row. A concurrent posting of one
    of the keys raises ``duplicate_posting`` as ``ledger_post`` does.
    """
    ordered = {
        posting.idempotency_key: _validated(posting.entries) for posting in postings
    }
    if len(ordered) != len(postings):
        raise ValueError("an idempotency key appears twice in one batch")
    existing = LedgerTransaction.objects.filter(idempotency_key__in=list(ordered))
    done = {posting.idempotency_key: posting for posting in existing}
    kinds = {posting.idempotency_key: posting.kind for posting in postings}
    for key, posting in done.items():
        _same_posting_or_conflict(posting, kind=kinds[key], entries=ordered[key])
    new = [posting for posting in postings if posting.idempotency_key not in done]
    if new:
        try:
            with transaction.atomic():
                done.update(_write_postings(new, ordered))
        except IntegrityError:
            if not existing.exists():
                raise
            raise EscrowError(
                "duplicate_posting",
                _("This money movement was just made by another request."),
                status=409,
            ) from None
    return [done[posting.idempotency_key] for posting in postings]


def _write_postings(postings: Sequence[Posting], ordered: dict) -> dict:
    written = LedgerTransaction.objects.bulk_create(
        LedgerTransaction(
            kind=posting.kind,
            idempotency_key=posting.idempotency_key,
            reference_type=posting.reference_type,
            reference_id=posting.reference_id,
            memo=posting.memo[:200],
        )
        for posting in postings
    )
    totals: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for posting in postings:
        for account, amount_fen in ordered[posting.idempotency_key]:
            totals[account.pk] += amount_fen
            accounts[account.pk] = account
    hot = {pk: total for pk, total in totals.items() if is_hot(accounts[pk])}
    checked = {pk: total for pk, total in totals.items() if pk not in hot}
    _move_checked_balances(checked, accounts)
    shard = written[0].pk % hot_account_shards()
    for pk in sorted(hot):
        if hot[pk]:
            _move_shard(accounts[pk], hot[pk], shard=shard)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=row, account=account, amount_fen=amount_fen)
        for row, posting in zip(written, postings, strict=True)
        for account, amount_fen in ordered[posting.idempotency_key]
    )
    return {row.idempotency_key: row for row in written}


def _move_checked_balances(totals: dict[int, int], accounts: dict) -> None:
    """Move each checked account by its total, none below zero.

    The accounts are locked in primary-key order first (the order every posting
    takes, so no deadlock), then moved with one conditional UPDATE per distinct
    total (a batch of equal orders has one or two), each refusing to take an
    account below zero.
    """
    moving = {pk: total for pk, total in totals.items() if total}
    if not moving:
        return
    locked = (
        LedgerAccount.objects.select_for_update()
        .filter(pk__in=list(moving))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(list(locked)) != len(moving):
        raise ValueError("a ledger account of this batch does not exist")
    by_total: dict[int, list[int]] = defaultdict(list)
    for pk, total in moving.items():
        by_total[total].append(pk)
    for total, pks in sorted(by_total.items()):
        rows = LedgerAccount.objects.filter(pk__in=pks)
        if total < 0:
            rows = rows.filter(balance_fen__gte=-total)
        if rows.update(balance_fen=F("balance_fen") + total) != len(pks):
            short = LedgerAccount.objects.filter(pk__in=pks, balance_fen__lt=-total)
            raise InsufficientFunds(
                "insufficient_funds",
                _("Not enough money in %(account)s to move %(amount)s fen.")
                % {"account": accounts[short.first().pk], "amount": -total},
            )


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


def _shards_total(account_ref) -> Coalesce:
    total = (
        LedgerAccountShard.objects.filter(account_id=account_ref)
        .values("account_id")
        .annotate(total=Sum("balance_fen"))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0))


def with_balances(accounts):
    """Annotate each account of the queryset with ``current_balance_fen``."""
    return accounts.annotate(
        current_balance_fen=F("balance_fen") + _shards_total(OuterRef("pk"))
    )


def account_balance_fen(account: LedgerAccount | None) -> int:
    """Return ``account``'s balance now (0 for no account), shards included."""
    if account is None:
        return 0
    if not is_hot(account):
        return LedgerAccount.objects.values_list("balance_fen", flat=True).get(
            pk=account.pk
        )
    return with_balances(LedgerAccount.objects.filter(pk=account.pk)).values_list(
        "current_balance_fen", flat=True
    )[0]


def balance_totals_by_kind() -> dict[str, int]:
    """Return the sum of every account's balance by kind, shards included."""
    totals = dict.fromkeys(Kind.values, 0)
    rows = LedgerAccount.objects.values("kind").annotate(total=Sum("balance_fen"))
    shards = LedgerAccountShard.objects.values("account__kind").annotate(
        total=Sum("balance_fen")
    )
    for kind, total in [
        *rows.values_list("kind", "total"),
        *shards.values_list("account__kind", "total"),
    ]:
        totals[kind] = totals.get(kind, 0) + (total or 0)
    return totals


def kind_totals_refresh() -> dict[str, int]:
    """Sum the balances by kind now and store them for the dashboard."""
    totals = balance_totals_by_kind()
    now = timezone.now()
    LedgerKindTotal.objects.bulk_create(
        [
            LedgerKindTotal(kind=kind, balance_fen=total, computed_at=now)
            for kind, total in totals.items()
        ],
        update_conflicts=True,
        unique_fields=["kind"],
        update_fields=["balance_fen", "computed_at"],
    )
    return totals
