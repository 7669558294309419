"""Moving a settlement batch's money at once: ``ledger_post_many`` and
``escrow_release_and_refund_many``."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.escrow import ledger
from groupbuy.escrow.batch import RefundOrder, Release, escrow_release_and_refund_many
from groupbuy.escrow.errors import InsufficientFunds
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentIntent,
    Refund,
)
from groupbuy.escrow.services import escrow_release, payment_intents_lock
from groupbuy.escrow.tests.factories import (
    make_captured_intent,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def _funded_shoppers(count: int, fen: int = 1_000):
    external = ledger.system_account(kind=Kind.EXTERNAL)
    held = [ledger.shopper_held_account(user=make_user()) for _ in range(count)]
    for index, account in enumerate(held):
        ledger.ledger_post(
            kind="test.funded",
            idempotency_key=f"fund:{account.pk}:{index}",
            entries=[(external, -fen), (account, fen)],
        )
    return external, held


def _spend_all(held, revenue, *, prefix: str) -> list:
    return [
        ledger.Posting(
            kind="test.spent",
            idempotency_key=f"{prefix}:{account.pk}",
            entries=[(account, -600), (revenue, 600)],
        )
        for account in held
    ]


def test_post_many_moves_each_balance_by_its_entries_and_repeats_as_a_no_op():
    # given three funded shoppers
    _external, held = _funded_shoppers(3)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    # when a batch posts a spend for each, then the same batch again
    first = ledger.ledger_post_many(postings=_spend_all(held, revenue, prefix="s"))
    again = ledger.ledger_post_many(postings=_spend_all(held, revenue, prefix="s"))
    # then each moved once, and the repeat returned the same postings
    assert [p.pk for p in again] == [p.pk for p in first]
    assert [ledger.account_balance_fen(a) for a in held] == [400, 400, 400]
    assert ledger.account_balance_fen(revenue) == 1_800
    assert LedgerTransaction.objects.filter(kind="test.spent").count() == 3
    assert LedgerEntry.objects.filter(transaction__kind="test.spent").count() == 6


def test_post_many_refuses_a_batch_that_would_overdraw_one_account_writing_nothing():
    # given three shoppers, the second of whom holds too little
    _external, held = _funded_shoppers(3)
    LedgerAccount.objects.filter(pk=held[1].pk).update(balance_fen=500)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    # when / then
    with pytest.raises(InsufficientFunds):
        ledger.ledger_post_many(postings=_spend_all(held, revenue, prefix="s"))
    assert not LedgerTransaction.objects.filter(kind="test.spent").exists()
    assert [ledger.account_balance_fen(a) for a in held] == [1_000, 500, 1_000]
    assert ledger.account_balance_fen(revenue) == 0


def test_post_many_refuses_a_key_reused_for_another_movement():
    _external, held = _funded_shoppers(1)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    ledger.ledger_post_many(postings=_spend_all(held, revenue, prefix="s"))
    reused = ledger.Posting(
        kind="test.spent",
        idempotency_key=f"s:{held[0].pk}",
        entries=[(held[0], -100), (revenue, 100)],
    )
    with pytest.raises(DomainError) as caught:
        ledger.ledger_post_many(postings=[reused])
    assert caught.value.code == "idempotency_key_reused"
    assert ledger.account_balance_fen(held[0]) == 400


@override_settings(GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS=1)
@pytest.mark.parametrize("count", [2, 20])
def test_post_many_runs_the_same_queries_whatever_the_batch_size(count):
    # given funded shoppers, all their accounts and the revenue shard existing
    external, held = _funded_shoppers(count)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    ledger.ledger_post(
        kind="test.warm", idempotency_key="warm", entries=[(external, -1), (revenue, 1)]
    )
    postings = _spend_all(held, revenue, prefix="q")
    # when
    with CaptureQueriesContext(connection) as queries:
        ledger.ledger_post_many(postings=postings)
    # then: key lookup, savepoint, two inserts, lock, one UPDATE of the checked
    # accounts, one of the revenue shard, release (8 whatever the size)
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2
    assert len(queries) == 8


def _captured(count: int):
    intents = [
        make_captured_intent(payer=make_user(), reference=f"ord_{index}")
        for index in range(count)
    ]
    return list(payment_intents_lock(intent_ids=[i.pk for i in intents]).values())


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_release_and_refund_many_moves_what_the_single_services_would():
    # given three captured intents of 99.00
    merchant = make_merchant()
    intents = _captured(3)
    # when 89.00 of each is released and 10.00 refunded in one batch
    result = escrow_release_and_refund_many(
        actor=None,
        merchant=merchant,
        releases=[
            Release(i, 8_900, f"rel:{i.public_id}", i.reference) for i in intents
        ],
        refunds=[
            RefundOrder(i, 1_000, f"ref:{i.public_id}", "final_price") for i in intents
        ],
        memo="Tea",
    )
    # then balances, intents, refunds and audits as three single calls leave them
    assert len(result.refund_ids) == 3
    for intent in intents:
        intent.refresh_from_db()
        assert (intent.released_fen, intent.refunded_fen) == (8_900, 1_000)
        held = LedgerAccount.objects.get(kind=Kind.SHOPPER_HELD, user=intent.payer)
        assert ledger.account_balance_fen(held) == 0
    payable = ledger.merchant_payable_account(merchant=merchant)
    assert ledger.account_balance_fen(payable) == 3 * (8_900 - 267)
    totals = ledger.balance_totals_by_kind()
    assert totals["platform_revenue"] == 3 * 267
    assert totals["gateway_clearing"] == 3 * 1_000
    assert sum(totals.values()) == 0
    assert Refund.objects.filter(status=Refund.Status.PENDING).count() == 3
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("escrow.hold.released") == 3
    assert actions.count("escrow.refund.issued") == 3


def test_release_and_refund_many_refuses_a_batch_with_a_used_key_writing_nothing():
    # given two captured intents, the first already released under its key
    merchant = make_merchant()
    intents = _captured(2)
    escrow_release(
        actor=None,
        intent=intents[0],
        merchant=merchant,
        amount_fen=8_900,
        idempotency_key=f"rel:{intents[0].public_id}",
    )
    fresh = list(payment_intents_lock(intent_ids=[i.pk for i in intents]).values())
    # when / then
    with pytest.raises(DomainError) as caught:
        escrow_release_and_refund_many(
            actor=None,
            merchant=merchant,
            releases=[
                Release(i, 8_900, f"rel:{i.public_id}", i.reference) for i in fresh
            ],
            refunds=[],
            memo="Tea",
        )
    assert caught.value.code == "batch_not_fresh"
    released = PaymentIntent.objects.values_list("released_fen", flat=True)
    assert sorted(released) == [0, 8_900]
    assert LedgerTransaction.objects.filter(kind="escrow.hold.released").count() == 1


def test_a_batch_of_refunds_is_sent_once_each_and_posted_together(monkeypatch):
    # given a batch's three pending refunds of 10.00, the provider down for one
    from groupbuy.escrow.providers.sandbox import SandboxProvider
    from groupbuy.escrow.refunds import refunds_send_many

    merchant = make_merchant()
    intents = _captured(3)
    result = escrow_release_and_refund_many(
        actor=None,
        merchant=merchant,
        releases=[],
        refunds=[
            RefundOrder(i, 1_000, f"ref:{i.public_id}", "final_price") for i in intents
        ],
        memo="Tea",
    )
    calls = []

    def provider_refund(provider, *, intent, amount_fen, idempotency_key):
        calls.append(idempotency_key)
        if len(calls) == 2:
            raise ConnectionError("gateway unreachable")
        return f"sbx_{idempotency_key}"

    monkeypatch.setattr(SandboxProvider, "refund", provider_refund)
    # when the batch is sent, twice (a retried job)
    assert refunds_send_many(refund_pks=result.refund_ids) == 2
    assert refunds_send_many(refund_pks=result.refund_ids) == 1
    # then each refund reached the provider until it answered, and the ledger
    # says what was paid, as three single sends would have left it
    refunds = list(Refund.objects.order_by("pk"))
    assert [r.status for r in refunds] == ["succeeded"] * 3
    assert [r.attempts for r in refunds] == [0, 1, 0]
    assert [r.provider_reference for r in refunds] == [
        f"sbx_{r.idempotency_key}" for r in refunds
    ]
    assert len(calls) == 4
    totals = ledger.balance_totals_by_kind()
    assert totals["refunds_paid"] == 3_000
    assert totals["gateway_clearing"] == 0
    paid = LedgerTransaction.objects.filter(kind="escrow.refund.paid")
    assert sorted(paid.values_list("reference_id", flat=True)) == sorted(
        r.public_id for r in refunds
    )
    confirmed = AuditEntry.objects.filter(action="escrow.refund.confirmed")
    assert confirmed.count() == 3
