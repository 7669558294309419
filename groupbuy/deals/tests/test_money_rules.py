"""The money and stock rules of issue 7, each with the case that used to fail."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import (
    deal_close,
    deal_join,
    deal_order_cancel,
    deal_orders_expire_unpaid,
    deal_settle,
)
from groupbuy.deals.signals import order_cancelled, order_refunded
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction, PaymentIntent
from groupbuy.escrow.reconcile import payments_reconcile
from groupbuy.escrow.services import payment_refund, sandbox_payment_submit

pytestmark = pytest.mark.django_db
State, Status = Deal.State, DealOrder.Status
TWO_TIERS = [(1, 9_900), (2, 8_900)]


def _balance(kind, **owner) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


def _submit_without_callback(order):
    """The shopper pays; the gateway's callback is lost (on-commit not run)."""
    intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    return sandbox_payment_submit(actor=order.shopper, intent=intent)


# --- 1. the tier comes from the orders finally confirmed -----------------------


def test_a_partly_refunded_order_does_not_count_toward_the_tier(
    django_capture_on_commit_callbacks,
):
    # given two paid buyers (≥2 buyers: 89.00) and an operator refunding part
    # of one of them before the close
    deal = make_deal(tiers=TWO_TIERS)
    stays, leaves = join_and_pay(deal), join_and_pay(deal)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(
            actor=None,
            intent=leaves.payment_intent,
            amount_fen=100,
            idempotency_key="operator:1",
        )
    pass_deadline(deal)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the one buyer left pays the one-buyer price, not the two-buyer one
    deal.refresh_from_db()
    stays.refresh_from_db()
    leaves.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 9_900)
    assert (stays.status, stays.charged_fen, stays.refunded_fen) == (
        Status.CONFIRMED,
        9_900,
        0,
    )
    assert (leaves.status, leaves.refunded_fen) == (Status.REFUNDED, 9_900)
    assert _balance("shopper_held", user=leaves.shopper) == 0


def test_a_partial_refund_between_close_and_settle_reprices_the_deal(
    django_capture_on_commit_callbacks,
):
    # given a deal closed at ≥2 buyers (89.00), not yet settled
    deal = make_deal(tiers=TWO_TIERS)
    stays, leaves = join_and_pay(deal), join_and_pay(deal)
    pass_deadline(deal)
    deal = deal_close(deal=deal)  # settlement queued on commit, not run here
    assert (deal.state, deal.final_price_fen) == (State.SUCCEEDED, 8_900)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(
            actor=None,
            intent=leaves.payment_intent,
            amount_fen=100,
            idempotency_key="operator:1",
        )
        # when
        deal_settle(deal=deal)
    # then
    deal.refresh_from_db()
    stays.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 9_900)
    assert stays.charged_fen == 9_900


def test_cancelled_orders_and_late_callbacks_at_close(
    django_capture_on_commit_callbacks,
):
    # given one paid buyer, one who cancelled, and one whose payment was
    # submitted just before the deadline but whose callback is late
    deal = make_deal(tiers=[(1, 9_900), (2, 8_900), (3, 7_900)])
    paid = join_and_pay(deal)
    cancelled = join_and_pay(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_order_cancel(actor=cancelled.shopper, order=cancelled)
    late = deal_join(actor=make_user(), deal=deal, quantity=1)
    _submit_without_callback(late)
    pass_deadline(deal)
    # when the closing job runs, it waits for the submitted payment
    deal = deal_close(deal=deal)
    assert deal.state == State.OPEN
    # and when the callback comes (here found by reconciliation), it closes
    later = timezone.now() + timedelta(minutes=2)
    assert list(payments_reconcile(now=later).values()) == ["captured"]
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_close(deal=deal)
    # then two buyers were confirmed (the cancelled one does not count)
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 8_900)
    for order in (paid, late):
        order.refresh_from_db()
        assert (order.status, order.charged_fen) == (Status.CONFIRMED, 8_900)


# --- 2. a submitted payment is not thrown away --------------------------------


@override_settings(
    GROUPBUY_PAYMENT_WINDOW_MINUTES=15, GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES=10
)
def test_expiry_waits_for_a_submitted_payment_within_the_grace_period():
    # given an order whose payment was submitted at the end of the window
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=1)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=timezone.now() - timedelta(minutes=14)
    )
    _submit_without_callback(order)
    just_after_window = timezone.now() + timedelta(minutes=2)
    # when the expiry job runs after the window, it leaves the order alone
    assert deal_orders_expire_unpaid(now=just_after_window) == 0
    order.refresh_from_db()
    assert order.status == Status.PENDING_PAYMENT
    # and once the grace period after the submission ends, it is cancelled
    after_grace = timezone.now() + timedelta(minutes=11)
    assert deal_orders_expire_unpaid(now=after_grace) == 1
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Status.CANCELLED, "payment_expired")


@override_settings(GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES=10)
def test_closing_stops_waiting_when_the_grace_period_ends():
    deal = make_deal(tiers=[(1, 9_900)])
    join_and_pay(deal)
    waiting = deal_join(actor=make_user(), deal=deal, quantity=1)
    _submit_without_callback(waiting)
    pass_deadline(deal)
    assert deal_close(deal=deal).state == State.OPEN
    deal = deal_close(deal=deal, now=timezone.now() + timedelta(minutes=11))
    assert deal.state == State.SUCCEEDED
    waiting.refresh_from_db()
    assert (waiting.status, waiting.cancel_reason) == (Status.CANCELLED, "deal_closed")


# --- 3. lost confirmations are recovered ----------------------------------------


def test_reconciliation_recovers_a_lost_confirmation_once():
    # given the server died after the shopper paid: the callback never came
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=2)
    _submit_without_callback(order)
    # paying again is refused, as the gateway has the money
    with pytest.raises(DomainError) as caught:
        _submit_without_callback(order)
    assert caught.value.code == "already_paid"
    # when the reconciliation job runs after the callback is overdue
    too_early = payments_reconcile(now=timezone.now())
    outcomes = payments_reconcile(now=timezone.now() + timedelta(minutes=2))
    # then the order is paid, through the callback path
    assert too_early == {}
    assert outcomes == {order.payment_intent.public_id: "captured"}
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert _balance("shopper_held", user=order.shopper) == 19_800
    # and the callback arriving after all is a duplicate, and a rerun is idle
    from groupbuy.escrow.models import SandboxPayment
    from groupbuy.escrow.tests.factories import apply_event

    record = SandboxPayment.objects.get(intent_public_id=order.payment_intent.public_id)
    assert apply_event(record.event) == "duplicate"
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=3)) == {}
    assert _balance("shopper_held", user=order.shopper) == 19_800


# --- 4. a deal never sells out below its first tier ------------------------------


def test_a_join_that_would_starve_the_first_tier_is_refused():
    # given 10 units, a first tier of 3 buyers, and one buyer with 5 units
    deal = make_deal(stock=10, tiers=[(3, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=5)
    # when a second buyer asks for 5 (leaving 0 units for the third buyer)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=5)
    # then
    assert caught.value.code == "kept_for_buyers"
    assert caught.value.message == (
        "Only 4 units are left for you, so that enough buyers can still join "
        "to reach the first tier; choose a smaller quantity."
    )
    deal.refresh_from_db()
    assert (deal.sold, deal.buyers) == (5, 1)
    # and 4 units fit, then the third buyer still finds one
    deal_join(actor=make_user(), deal=deal, quantity=4)
    deal_join(actor=make_user(), deal=deal, quantity=1)
    deal.refresh_from_db()
    assert (deal.sold, deal.buyers) == (10, 3)


def test_a_cancelled_order_gives_back_its_place_among_the_buyers():
    deal = make_deal(stock=4, tiers=[(3, 9_900)])
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    deal_order_cancel(actor=shopper, order=order)
    deal.refresh_from_db()
    assert (deal.sold, deal.buyers) == (0, 0)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=3)
    assert caught.value.code == "kept_for_buyers"


# --- 7. settlement is resumable ----------------------------------------------------


def _held(order) -> int:
    return _balance("shopper_held", user=order.shopper)


def test_settlement_resumes_after_a_failing_order_without_repeating_any(
    django_capture_on_commit_callbacks,
):
    # given five paid orders; the third's held balance is short (a ledger out
    # of step), so its release cannot be posted
    deal = make_deal(stock=10, tiers=[(1, 9_900)])
    orders = [join_and_pay(deal) for _ in range(5)]
    pass_deadline(deal)
    deal = deal_close(deal=deal)
    held_row = LedgerAccount.objects.filter(kind="shopper_held", user=orders[2].shopper)
    held_row.update(balance_fen=100)
    # when settling in batches of two
    deal = deal_settle(deal=deal, batch_size=2)
    # then the first batch is confirmed in bulk and kept; the second went order
    # by order, the third failed alone and the deal waits at its cursor
    deal.refresh_from_db()
    assert deal.state == State.SUCCEEDED
    assert deal.settle_cursor == orders[1].pk
    statuses = [DealOrder.objects.get(pk=o.pk).status for o in orders]
    assert statuses == ["confirmed", "confirmed", "paid", "paid", "paid"]
    # when the ledger is mended and the sweep settles again
    held_row.update(balance_fen=9_900)
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_settle(deal=deal, batch_size=2)
    # then everyone is confirmed and each order was released exactly once
    assert deal.state == State.SETTLED
    assert set(deal.orders.values_list("status", flat=True)) == {"confirmed"}
    released = LedgerTransaction.objects.filter(kind="escrow.hold.released")
    assert released.count() == 5


class Killed(BaseException):
    """The process dying mid-batch: nothing catches it."""


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_a_batch_killed_midway_is_redone_whole_and_posts_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given five paid orders at a cap of 99.00 reaching 89.00, settled in
    # batches of two, and a process that dies in the second batch after its
    # ledger postings were written
    deal = make_deal(stock=10, tiers=TWO_TIERS)
    orders = [join_and_pay(deal) for _ in range(5)]
    pass_deadline(deal)
    deal = deal_close(deal=deal)
    from groupbuy.escrow import batch

    real, calls = batch.audit_log_many, []

    def dies_on_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        real(**kwargs)

    monkeypatch.setattr(batch, "audit_log_many", dies_on_second_batch)
    with pytest.raises(Killed), django_capture_on_commit_callbacks(execute=True):
        deal_settle(deal=deal, batch_size=2)
    # then the first batch stands and nothing of the second was kept
    deal.refresh_from_db()
    assert (deal.state, deal.settle_cursor) == (State.SUCCEEDED, orders[1].pk)
    assert [_held(order) for order in orders] == [0, 0, 9_900, 9_900, 9_900]
    assert LedgerTransaction.objects.filter(kind="escrow.hold.released").count() == 2
    # when the sweep settles it again
    monkeypatch.setattr(batch, "audit_log_many", real)
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_settle(deal=deal, batch_size=2)
    # then every order moved exactly once and the books balance to the fen
    assert deal.state == State.SETTLED
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.charged_fen, order.refunded_fen) == (
            Status.CONFIRMED,
            8_900,
            1_000,
        )
        assert not order.is_awaiting_follow_up
        assert _held(order) == 0
        keys = LedgerTransaction.objects.filter(
            idempotency_key__startswith=f"deals.deal.settle:{order.public_id}:"
        )
        assert keys.count() == 1
        assert order.payment_intent.refunds.count() == 1
    assert _balance("merchant_payable", merchant=deal.merchant) == 5 * (8_900 - 267)
    assert _balance("platform_revenue") == 5 * 267
    assert _balance("refunds_paid") == 5 * 1_000
    assert _balance("gateway_clearing") == 0
    assert sum(ledger.balance_totals_by_kind().values()) == 0


def test_a_failed_deal_is_refunded_in_batches_and_ends_settled(
    django_capture_on_commit_callbacks,
):
    deal = make_deal(stock=10, tiers=[(9, 9_900)])
    orders = [join_and_pay(deal) for _ in range(3)]
    pass_deadline(deal)
    with (
        override_settings(GROUPBUY_SETTLE_BATCH_SIZE=2),
        django_capture_on_commit_callbacks(execute=True),
    ):
        closed = deal_close(deal=deal)
    assert closed.state == State.FAILED  # the first batch ran in the close
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen, deal.sold) == (State.SETTLED, None, 0)
    assert (deal.has_failed, deal.state_label) == (True, "Failed")
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.refunded_fen) == (Status.REFUNDED, 9_900)
    assert _balance("refunds_paid") == 3 * 9_900


# --- 13. signals -------------------------------------------------------------------


def test_orders_leaving_send_refunded_or_cancelled(django_capture_on_commit_callbacks):
    deal = make_deal()
    received = []

    def on_refunded(sender, order, actor, reason, refunded_fen, **kwargs):
        received.append(("refunded", order.public_id, reason, refunded_fen))

    def on_cancelled(sender, order, actor, reason, **kwargs):
        received.append(("cancelled", order.public_id, reason))

    order_refunded.connect(on_refunded)
    order_cancelled.connect(on_cancelled)
    try:
        paid = join_and_pay(deal, quantity=2)
        deal_order_cancel(actor=paid.shopper, order=paid)
        unpaid = deal_join(actor=make_user(), deal=deal, quantity=1)
        deal_orders_expire_unpaid(now=timezone.now() + timedelta(hours=1))
    finally:
        order_refunded.disconnect(on_refunded)
        order_cancelled.disconnect(on_cancelled)
    assert received == [
        ("refunded", paid.public_id, "shopper", 19_800),
        ("cancelled", unpaid.public_id, "payment_expired"),
    ]


def test_pay_factory_still_marks_orders_paid():
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    assert pay(order) == "captured"
    assert order.status == Status.PAID
