import pytest

from groupbuy.escrow import ledger
from groupbuy.escrow.errors import InsufficientFunds
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerAccountShard,
    LedgerEntry,
    LedgerTransaction,
)
from groupbuy.escrow.tests.factories import make_merchant, make_user

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def _balances(*accounts):
    return [ledger.account_balance_fen(account) for account in accounts]


def test_post_moves_balances_and_records_balanced_entries():
    # given
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = ledger.shopper_held_account(user=make_user())
    # when
    posting = ledger.ledger_post(
        kind="escrow.payment.captured",
        idempotency_key="k1",
        entries=[(external, -500), (held, 500)],
        reference_id="pi_x",
    )
    # then
    assert _balances(external, held) == [-500, 500]
    assert sorted(posting.entries.values_list("amount_fen", flat=True)) == [-500, 500]
    assert posting.reference_id == "pi_x"


def test_unbalanced_posting_is_refused_and_writes_nothing():
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = ledger.shopper_held_account(user=make_user())
    with pytest.raises(ValueError, match="sum to zero"):
        ledger.ledger_post(
            kind="x", idempotency_key="k", entries=[(external, -500), (held, 499)]
        )
    assert LedgerTransaction.objects.count() == 0
    assert _balances(external, held) == [0, 0]


@pytest.mark.parametrize(
    "amounts", [[(0, 0)], [(-1, 1), (1, -1)], [(0, 0), (0, 0)]], ids=str
)
def test_malformed_entries_are_refused(amounts):
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = ledger.shopper_held_account(user=make_user())
    entries = [
        (external if index == 0 else held, amount)
        for pair in amounts
        for index, amount in enumerate(pair)
    ]
    with pytest.raises(ValueError):
        ledger.ledger_post(kind="x", idempotency_key="k", entries=entries)
    assert LedgerTransaction.objects.count() == 0


def test_overdrawing_a_balance_raises_and_writes_nothing():
    # given a held account with 300 fen
    external = ledger.system_account(kind=Kind.EXTERNAL)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    held = ledger.shopper_held_account(user=make_user())
    ledger.ledger_post(
        kind="in", idempotency_key="in", entries=[(external, -300), (held, 300)]
    )
    # when moving 301
    with pytest.raises(InsufficientFunds):
        ledger.ledger_post(
            kind="out", idempotency_key="out", entries=[(held, -301), (revenue, 301)]
        )
    # then nothing of the second posting exists
    assert _balances(external, held, revenue) == [-300, 300, 0]
    assert list(LedgerTransaction.objects.values_list("kind", flat=True)) == ["in"]
    assert LedgerEntry.objects.count() == 2


def test_a_merchants_payable_never_goes_negative():
    # given a merchant owed 100 fen
    external = ledger.system_account(kind=Kind.EXTERNAL)
    payable = ledger.merchant_payable_account(merchant=make_merchant())
    ledger.ledger_post(
        kind="in", idempotency_key="in", entries=[(external, -100), (payable, 100)]
    )
    # when paying out 101
    with pytest.raises(InsufficientFunds):
        ledger.ledger_post(
            kind="out",
            idempotency_key="out",
            entries=[(payable, -101), (external, 101)],
        )
    # then nothing moved
    assert _balances(external, payable) == [-100, 100]


def test_platform_accounts_are_summed_from_shards_on_read():
    # given many postings through the gateway clearing account
    external = ledger.system_account(kind=Kind.EXTERNAL)
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    for number in range(5):
        ledger.ledger_post(
            kind="in",
            idempotency_key=f"in{number}",
            entries=[(external, -100), (clearing, 100)],
        )
    # then they landed on several shard rows, not on the account's own row
    assert LedgerAccountShard.objects.filter(account=clearing).count() == 5
    assert LedgerAccount.objects.get(pk=clearing.pk).balance_fen == 0
    # and every read sums them
    assert _balances(external, clearing) == [-500, 500]
    assert ledger.balance_totals_by_kind()["gateway_clearing"] == 500
    annotated = ledger.with_balances(LedgerAccount.objects.filter(pk=clearing.pk))
    assert annotated.get().current_balance_fen == 500


def test_a_balance_from_before_sharding_still_counts():
    # given revenue posted on the account row itself (data from before shards)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    external = ledger.system_account(kind=Kind.EXTERNAL)
    LedgerAccount.objects.filter(pk=revenue.pk).update(balance_fen=40)
    LedgerAccount.objects.filter(pk=external.pk).update(balance_fen=-40)
    # when more is posted
    ledger.ledger_post(
        kind="fee", idempotency_key="fee", entries=[(external, -2), (revenue, 2)]
    )
    # then the balance is the old row plus the shards
    assert _balances(external, revenue) == [-42, 42]


def test_same_key_posts_once():
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = ledger.shopper_held_account(user=make_user())
    entries = [(external, -700), (held, 700)]
    first = ledger.ledger_post(kind="in", idempotency_key="same", entries=entries)
    second = ledger.ledger_post(kind="in", idempotency_key="same", entries=entries)
    assert first.pk == second.pk
    assert _balances(external, held) == [-700, 700]


def test_same_key_for_a_different_movement_is_a_conflict():
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = ledger.shopper_held_account(user=make_user())
    ledger.ledger_post(
        kind="in", idempotency_key="same", entries=[(external, -700), (held, 700)]
    )
    with pytest.raises(Exception) as caught:
        ledger.ledger_post(
            kind="in", idempotency_key="same", entries=[(external, -1), (held, 1)]
        )
    assert caught.value.code == "idempotency_key_reused"
    assert caught.value.status == 409
    assert _balances(external, held) == [-700, 700]


def test_accounts_are_one_per_owner_and_kind():
    user = make_user()
    assert ledger.shopper_held_account(user=user).pk == (
        ledger.shopper_held_account(user=user).pk
    )
    assert ledger.system_account(kind=Kind.EXTERNAL).pk == (
        ledger.system_account(kind=Kind.EXTERNAL).pk
    )
    with pytest.raises(ValueError):
        ledger.system_account(kind=Kind.SHOPPER_HELD)
