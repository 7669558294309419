import pytest

from groupbuy.escrow import ledger
from groupbuy.escrow.errors import InsufficientFunds
from groupbuy.escrow.models import LedgerAccount, LedgerEntry, LedgerTransaction
from groupbuy.escrow.tests.factories import make_user

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def _balances(*accounts):
    return [LedgerAccount.objects.get(pk=a.pk).balance_fen for a in accounts]


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


def test_only_the_external_account_goes_negative():
    external = ledger.system_account(kind=Kind.EXTERNAL)
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    ledger.ledger_post(
        kind="in", idempotency_key="in", entries=[(external, -1), (clearing, 1)]
    )
    with pytest.raises(InsufficientFunds):
        ledger.ledger_post(
            kind="back", idempotency_key="b", entries=[(clearing, -2), (external, 2)]
        )
    assert _balances(external, clearing) == [-1, 1]


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
