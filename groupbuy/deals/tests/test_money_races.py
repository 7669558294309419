"""Money races on PostgreSQL, each thread on its own connection.

Every test starts its calls together (``racing.race``) and then asserts the
exact money outcome, whichever call won.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_close, deal_join, deal_orders_expire_unpaid
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user
from groupbuy.deals.tests.racing import race
from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentIntent,
)
from groupbuy.escrow.services import escrow_release, payment_refund
from groupbuy.escrow.tests.factories import (
    apply_event,
    event_for,
    make_captured_intent,
    make_merchant,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _balance(kind, **owner) -> int:
    accounts = LedgerAccount.objects.filter(kind=kind, **owner)
    return sum(ledger.account_balance_fen(account) for account in accounts)


def _ledger_balances() -> None:
    unbalanced = (
        LedgerEntry.objects.values("transaction_id")
        .annotate(total=Sum("amount_fen"))
        .exclude(total=0)
    )
    assert list(unbalanced) == []
    assert _balance("gateway_clearing") == 0


def test_joins_at_the_deadline_against_the_closing_job(settings):
    settings.GROUPBUY_PLATFORM_FEE_BPS = 0
    # given two paid buyers (≥2: 89.00) and five more arriving as it closes
    deal = make_deal(stock=20, tiers=[(1, 9_900), (2, 8_900)])
    paid = [join_and_pay(deal) for _ in range(2)]
    latecomers = [make_user() for _ in range(5)]
    # when
    outcomes = race(
        [lambda: deal_close(deal=deal, force=True)]
        + [
            lambda shopper=shopper: deal_join(actor=shopper, deal=deal, quantity=1)
            for shopper in latecomers
        ]
    )
    # then every join either got in before the close (and was cancelled by it,
    # unpaid) or was refused; nothing else happened
    assert set(outcomes) <= {"ok", "deal_closed"}
    assert sum(outcomes.values()) == 6
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen, deal.sold) == ("settled", 8_900, 2)
    late_orders = DealOrder.objects.filter(shopper__in=latecomers)
    assert late_orders.count() == outcomes["ok"] - 1
    assert set(late_orders.values_list("status", "cancel_reason")) <= {
        ("cancelled", "deal_closed")
    }
    for order in paid:
        order.refresh_from_db()
        assert (order.charged_fen, order.refunded_fen) == (8_900, 1_000)
    assert _balance("merchant_payable") == 2 * 8_900
    assert _balance("shopper_held") == 0
    assert _balance("refunds_paid") == 2 * 1_000
    _ledger_balances()


def test_two_identical_callbacks_arriving_together_capture_once():
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=2)
    payload = event_for(order.payment_intent)
    results = []
    outcomes = race([lambda: results.append(apply_event(payload)) for _ in range(2)])
    assert outcomes == Counter({"ok": 2})
    assert sorted(results) == ["captured", "duplicate"]
    order.refresh_from_db()
    assert order.status == "paid"
    assert _balance("shopper_held", user=order.shopper) == 19_800
    assert _balance("external") == -19_800
    _ledger_balances()


@pytest.mark.parametrize("run", range(3))
def test_a_capture_against_expiry_keeps_or_refunds_exactly(run):
    # given an order past its payment window whose success callback arrives
    # just as the expiry job runs
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=1)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=timezone.now() - timedelta(hours=1)
    )
    payload = event_for(order.payment_intent)
    results = []
    outcomes = race(
        [lambda: results.append(apply_event(payload)), deal_orders_expire_unpaid]
    )
    assert outcomes == Counter({"ok": 2})
    order.refresh_from_db()
    intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    deal.refresh_from_db()
    if results == ["captured"]:
        # the capture won: the order is paid and its money held
        assert order.status == "paid"
        assert (intent.refunded_fen, deal.sold) == (0, 1)
        assert _balance("shopper_held", user=order.shopper) == 9_900
    else:
        # the expiry won: the late money is captured and refunded in full
        assert results == ["captured_refunded"]
        assert (order.status, order.cancel_reason) == ("cancelled", "payment_expired")
        assert (intent.refunded_fen, deal.sold) == (9_900, 0)
        assert _balance("shopper_held", user=order.shopper) == 0
        assert _balance("refunds_paid") == 9_900
    _ledger_balances()


@pytest.mark.parametrize("run", range(3))
def test_a_refund_against_a_release_moves_the_money_once(run):
    payer, merchant = make_user(), make_merchant()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    outcomes = race(
        [
            lambda: payment_refund(
                actor=None, intent=intent, amount_fen=9_900, idempotency_key="r"
            ),
            lambda: escrow_release(
                actor=None,
                intent=intent,
                merchant=merchant,
                amount_fen=9_900,
                idempotency_key="k",
            ),
        ]
    )
    # exactly one of them moved the 99.00
    assert outcomes["ok"] == 1
    assert set(outcomes) - {"ok"} in ({"refund_too_large"}, {"not_enough_held"})
    intent.refresh_from_db()
    assert intent.refunded_fen + intent.released_fen == 9_900
    assert _balance("shopper_held", user=payer) == 0
    assert (
        _balance("refunds_paid")
        + _balance("merchant_payable")
        + _balance("platform_revenue")
        == 9_900
    )
    _ledger_balances()


def test_concurrent_releases_with_one_key_release_once():
    payer, merchant = make_user(), make_merchant()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    outcomes = race(
        [
            lambda: escrow_release(
                actor=None,
                intent=intent,
                merchant=merchant,
                amount_fen=4_000,
                idempotency_key="same",
            )
            for _ in range(6)
        ]
    )
    assert outcomes == Counter({"ok": 6})
    intent.refresh_from_db()
    assert intent.released_fen == 4_000
    assert LedgerTransaction.objects.filter(idempotency_key="same").count() == 1
    assert _balance("shopper_held", user=payer) == 5_900
    _ledger_balances()


def test_a_key_posted_concurrently_is_an_error_not_a_silent_success():
    # given two transactions posting the same key, each also changing its own
    # state for the movement (as escrow_release changes released_fen)
    from django.db import transaction

    from groupbuy.escrow import ledger

    payer = make_user()
    make_captured_intent(payer=payer, amount_fen=1_000)
    held = ledger.shopper_held_account(user=payer)
    revenue = ledger.system_account(kind=LedgerAccount.Kind.PLATFORM_REVENUE)
    barrier = __import__("threading").Barrier(2)

    def post():
        with transaction.atomic():
            barrier.wait()
            ledger.ledger_post(
                kind="test.move",
                idempotency_key="same",
                entries=[(held, -100), (revenue, 100)],
            )

    # when
    outcomes = race([post, post])
    # then one posted; the other learned it, and its transaction rolled back
    assert outcomes == Counter({"ok": 1, "duplicate_posting": 1}) or outcomes == (
        Counter({"ok": 2})
    )
    assert LedgerTransaction.objects.filter(idempotency_key="same").count() == 1
    assert _balance("platform_revenue") == 100


@pytest.mark.parametrize("run", range(2))
def test_two_settle_jobs_and_captures_for_the_same_shoppers_move_each_order_once(
    run, settings
):
    # given a closed deal of six paid orders at 89.00 (cap 99.00), whose
    # shoppers are also paying for another deal right now
    settings.GROUPBUY_PLATFORM_FEE_BPS = 0
    from groupbuy.deals.models import Deal
    from groupbuy.deals.services import deal_settle

    deal = make_deal(stock=20, tiers=[(1, 9_900), (2, 8_900)])
    paid = [join_and_pay(deal) for _ in range(6)]
    Deal.objects.filter(pk=deal.pk).update(
        state=Deal.State.SUCCEEDED, final_price_fen=8_900, closed_at=timezone.now()
    )
    other = make_deal(stock=20)
    joined = [deal_join(actor=o.shopper, deal=other, quantity=1) for o in paid]
    # when two settle jobs (batches of two) race the six captures
    outcomes = race(
        [lambda: deal_settle(deal=deal, batch_size=2) for _ in range(2)]
        + [
            lambda order=order: apply_event(event_for(order.payment_intent))
            for order in joined
        ]
    )
    # then every call succeeded and each order moved exactly once
    assert outcomes == Counter({"ok": 8})
    deal.refresh_from_db()
    assert deal.state == "settled"
    for order in paid:
        order.refresh_from_db()
        assert (order.status, order.charged_fen, order.refunded_fen) == (
            "confirmed",
            8_900,
            1_000,
        )
        assert _balance("shopper_held", user=order.shopper) == 9_900
    released = LedgerTransaction.objects.filter(kind="escrow.hold.released")
    assert released.count() == 6
    assert _balance("merchant_payable") == 6 * 8_900
    assert _balance("refunds_paid") == 6 * 1_000
    _ledger_balances()
