"""Closing deals: success at a tier, failure, early close, sweeps, settlement."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import Coupon
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import deal_progress
from groupbuy.deals.services import (
    deal_close,
    deal_close_now,
    deal_join,
    deal_orders_follow_up_due,
    deal_settle,
    deal_stop,
    deals_close_due,
)
from groupbuy.deals.signals import order_confirmed
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
State, Status = Deal.State, DealOrder.Status


def _balance(kind, **owner) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_success_charges_the_tier_reached_refunds_the_rest_and_pays_the_merchant(
    django_capture_on_commit_callbacks,
):
    # given ≥2 buyers 99.00, ≥4 buyers 89.00; four paid orders, one unpaid
    deal = make_deal(stock=20)
    paid = [
        join_and_pay(deal, quantity=q, shopper=make_user(preferred_language="en"))
        for q in (1, 1, 2, 3)
    ]
    unpaid = deal_join(actor=make_user(), deal=deal, quantity=1)
    confirmed = []
    order_confirmed.connect(
        receiver := lambda sender, order, actor, **kw: confirmed.append(order.pk)
    )
    # when the deadline passes and the closing job runs (then settles on commit)
    pass_deadline(deal)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deal = deal_close(deal=deal)
    finally:
        order_confirmed.disconnect(receiver)
    # then
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 8_900)
    assert deal.closed_at is not None and deal.settled_at is not None
    for order in paid:
        order.refresh_from_db()
        assert order.status == Status.CONFIRMED
        assert order.charged_fen == order.quantity * 8_900
        assert order.refunded_fen == order.quantity * 1_000
        assert _balance("shopper_held", user=order.shopper) == 0
    unpaid.refresh_from_db()
    assert (unpaid.status, unpaid.cancel_reason) == (Status.CANCELLED, "deal_closed")
    # and its shopper is told, in their language, that nothing was charged
    released = Notification.objects.get(
        recipient=unpaid.shopper, kind="deals.order.deal_closed"
    )
    assert released.text_in("en")[1] == (
        "The group buy closed before you paid, so your order was released. "
        "Nothing was charged."
    )
    assert sorted(confirmed) == sorted(order.pk for order in paid)
    charged = 7 * 8_900  # 62 300 fen, fee 3% = 1 869
    assert _balance("merchant_payable", merchant=deal.merchant) == charged - 1_869
    assert _balance("platform_revenue") == 1_869
    assert _balance("refunds_paid") == 7 * 1_000
    assert deal.sold == 7
    notes = Notification.objects.filter(kind="deals.deal.succeeded")
    assert notes.count() == 4
    three = notes.get(recipient=paid[3].shopper)
    assert three.body == (
        "The final price is ¥89.00 each, so you pay ¥267.00 and ¥30.00 is "
        "refunded to you."
    )


def test_too_few_buyers_fails_the_deal_and_refunds_everyone(
    django_capture_on_commit_callbacks,
):
    # given one paid buyer where two are needed, and one unpaid order
    deal = make_deal()
    only = join_and_pay(deal, quantity=2, shopper=make_user(preferred_language="en"))
    unpaid = deal_join(actor=make_user(), deal=deal, quantity=1)
    pass_deadline(deal)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_close(deal=deal)
    # then
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, None)
    only.refresh_from_db()
    unpaid.refresh_from_db()
    assert (only.status, only.refunded_fen) == (Status.REFUNDED, 19_800)
    assert unpaid.status == Status.CANCELLED
    assert unpaid.payment_intent.status == "cancelled"
    assert _balance("shopper_held", user=only.shopper) == 0
    assert _balance("merchant_payable", merchant=deal.merchant) == 0
    note = Notification.objects.get(kind="deals.deal.failed")
    assert note.recipient == only.shopper
    assert note.body == "Not enough people joined. ¥198.00 is refunded to you in full."
    assert deal.sold == 0


def test_a_deal_that_is_not_due_stays_open():
    deal = make_deal()
    join_and_pay(deal)
    assert deal_close(deal=deal).state == State.OPEN
    assert LedgerTransaction.objects.filter(kind="escrow.refund.sent").count() == 0


def test_closing_and_settling_again_changes_nothing(django_capture_on_commit_callbacks):
    deal = make_deal()
    for _ in range(2):
        join_and_pay(deal)
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    postings = LedgerTransaction.objects.count()
    assert deal_close(deal=deal).state == State.SETTLED
    assert deal_settle(deal=deal).state == State.SETTLED
    assert deals_close_due() == []
    assert LedgerTransaction.objects.count() == postings


def test_selling_out_closes_the_deal_as_soon_as_the_last_unit_is_paid(
    django_capture_on_commit_callbacks,
):
    deal = make_deal(stock=3, tiers=[(2, 9_900)])
    first = deal_join(actor=make_user(), deal=deal, quantity=1)
    second = deal_join(actor=make_user(), deal=deal, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        pay(first)
    deal.refresh_from_db()
    assert deal.state == State.OPEN  # sold out, but one order still unpaid
    with django_capture_on_commit_callbacks(execute=True):
        pay(second)
    deal.refresh_from_db()
    assert deal.state == State.SETTLED
    assert deal.closed_at < deal.deadline_at


def test_the_sweep_closes_due_deals_and_settles_succeeded_ones():
    due, later = make_deal(), make_deal()
    for _ in range(2):
        join_and_pay(due)
    pass_deadline(due)
    changed = deals_close_due()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == State.SETTLED
    assert later.state == State.OPEN
    assert changed == [due.public_id]


def test_operators_can_stop_a_deal_and_everyone_is_refunded():
    deal = make_deal()
    orders = [join_and_pay(deal) for _ in range(3)]
    with pytest.raises(DomainError) as caught:
        deal_stop(actor=make_user(), deal=deal)
    assert caught.value.status == 403
    deal = deal_stop(actor=make_user(is_staff=True), deal=deal)
    assert deal.state == State.SETTLED
    for order in orders:
        order.refresh_from_db()
        assert order.status == Status.REFUNDED


def test_operators_can_close_a_deal_early_at_its_current_tier(
    django_capture_on_commit_callbacks,
):
    deal = make_deal()
    for _ in range(2):
        join_and_pay(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_close_now(actor=make_user(is_staff=True), deal=deal)
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 9_900)


def test_progress_snapshot_shows_the_tiers_and_the_servers_clock():
    # given ≥2 → 99.00, ≥4 → 89.00 and three paid buyers
    deal = make_deal(stock=10)
    for _ in range(3):
        join_and_pay(deal)
    deal_join(actor=make_user(), deal=deal, quantity=2)
    # when
    snapshot = deal_progress(deal_public_id=deal.public_id)
    # then
    server_now_ms = snapshot.pop("server_now_ms")
    assert abs(server_now_ms - __import__("time").time() * 1000) < 5_000
    assert snapshot == {
        "deal_id": deal.public_id,
        "state": "open",
        "participants": 3,
        "units_sold": 5,
        "stock": 10,
        "current_tier": {"min_participants": 2, "price_fen": 9_900},
        "next_tier": {"min_participants": 4, "price_fen": 8_900},
        "participants_to_next_tier": 1,
        "final_price_fen": None,
        "starts_ms": int(deal.starts_at.timestamp() * 1000),
        "deadline_ms": int(deal.deadline_at.timestamp() * 1000),
    }


def test_no_progress_for_drafts_or_unknown_deals():
    assert deal_progress(deal_public_id=make_deal(is_open=False).public_id) is None
    assert deal_progress(deal_public_id="deal_nope") is None


def _held_account(order):
    return LedgerAccount.objects.filter(kind="shopper_held", user=order.shopper)


def test_a_failing_settlement_rolls_back_and_does_not_stop_the_sweep():
    # given two due deals; one shopper's held balance of the first is short
    # (a ledger out of step), so its release cannot be posted
    broken, fine = make_deal(title="Broken"), make_deal(title="Fine")
    for deal in (broken, fine):
        for _ in range(2):
            join_and_pay(deal)
        pass_deadline(deal)
    short = broken.orders.order_by("pk").last()
    _held_account(short).update(balance_fen=100)
    # when the sweep runs
    changed = deals_close_due()
    # then the bulk batch and the short order roll back; the order before it
    # settles alone, and the other deal settles
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.state, fine.state) == (State.SUCCEEDED, State.SETTLED)
    assert set(changed) == {broken.public_id, fine.public_id}
    statuses = dict(broken.orders.values_list("pk", "status"))
    assert statuses.pop(short.pk) == Status.PAID
    assert set(statuses.values()) == {Status.CONFIRMED}
    assert broken.settle_cursor == max(statuses)
    assert _balance("merchant_payable", merchant=broken.merchant) == 9_603
    # and the next sweep, with the ledger mended, settles it exactly once
    _held_account(short).update(balance_fen=9_900)
    deals_close_due()
    broken.refresh_from_db()
    assert broken.state == State.SETTLED
    assert _balance("merchant_payable", merchant=broken.merchant) == 2 * 9_603
    released = LedgerTransaction.objects.filter(
        kind="escrow.hold.released", memo="Broken"
    )
    assert released.count() == 2


def test_a_failing_coupon_receiver_does_not_hold_the_money_and_is_retried(
    django_capture_on_commit_callbacks,
):
    # given a due deal of two orders and a coupons receiver that is down
    deal = make_deal(title="Coupons down")
    orders = [join_and_pay(deal) for _ in range(2)]
    pass_deadline(deal)
    calls = []

    def coupons_down(sender, order, actor, **kwargs):
        calls.append(order.pk)
        raise RuntimeError("coupon service down")

    # when the deal closes and settles (its batch follow-up job runs on commit)
    order_confirmed.connect(coupons_down)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deal_close(deal=deal)
    finally:
        order_confirmed.disconnect(coupons_down)
    # then the money moved and the orders are confirmed, awaiting their follow-up
    deal.refresh_from_db()
    assert deal.state == State.SETTLED
    assert sorted(calls) == sorted(order.pk for order in orders)
    assert _balance("merchant_payable", merchant=deal.merchant) == 2 * 9_603
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.is_awaiting_follow_up) == (Status.CONFIRMED, True)
    assert not Notification.objects.filter(kind="deals.deal.succeeded").exists()
    # when the follow-up sweep runs before its grace period: nothing yet
    assert deal_orders_follow_up_due() == 0
    # when it runs after, with coupons back: each order followed up once
    received = []
    order_confirmed.connect(
        receiver := lambda sender, order, actor, **kw: received.append(order.pk)
    )
    try:
        later = timezone.now() + timedelta(minutes=11)
        assert deal_orders_follow_up_due(now=later) == 2
        assert deal_orders_follow_up_due(now=later) == 0
    finally:
        order_confirmed.disconnect(receiver)
    assert sorted(received) == sorted(order.pk for order in orders)
    assert Coupon.objects.filter(order__deal=deal).count() == 2
    assert Notification.objects.filter(kind="deals.deal.succeeded").count() == 2


def test_a_receiver_failing_for_one_order_holds_back_only_that_orders_follow_up(
    django_capture_on_commit_callbacks,
):
    # given a due deal of three orders and a coupons receiver down for the second
    deal = make_deal(title="One coupon down")
    orders = [join_and_pay(deal) for _ in range(3)]
    pass_deadline(deal)
    unlucky = orders[1].pk

    def down_for_one(sender, order, actor, **kwargs):
        if order.pk == unlucky:
            raise RuntimeError("coupon service down for this one")

    # when the deal closes and settles (its batch follow-up runs on commit)
    order_confirmed.connect(down_for_one)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deal_close(deal=deal)
    finally:
        order_confirmed.disconnect(down_for_one)
    # then the other two got their coupon and notification; only the unlucky
    # one awaits its follow-up, with nothing of it written
    awaiting = {
        order.pk: order.is_awaiting_follow_up
        for order in DealOrder.objects.filter(deal=deal)
    }
    assert awaiting == {order.pk: order.pk == unlucky for order in orders}
    coupons = Coupon.objects.filter(order__deal=deal)
    assert sorted(coupons.values_list("order_id", flat=True)) == sorted(
        order.pk for order in orders if order.pk != unlucky
    )
    told = Notification.objects.filter(kind="deals.deal.succeeded")
    assert told.count() == 2
    assert not told.filter(recipient=orders[1].shopper).exists()


def test_an_order_partly_refunded_by_an_operator_leaves_the_group_buy_at_settle(
    django_capture_on_commit_callbacks,
):
    # given three paid buyers, one of whom an operator refunded 10.00 from escrow
    from groupbuy.escrow.services import payment_refund

    deal = make_deal()
    orders = [join_and_pay(deal) for _ in range(3)]
    payment_refund(
        actor=make_user(is_staff=True),
        intent=orders[0].payment_intent,
        amount_fen=1_000,
        idempotency_key="operator-goodwill",
    )
    pass_deadline(deal)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the deal settles; that order gets the rest back instead of a charge
    deal.refresh_from_db()
    assert deal.state == State.SETTLED
    first = DealOrder.objects.get(pk=orders[0].pk)
    assert (first.status, first.cancel_reason, first.refunded_fen) == (
        Status.REFUNDED,
        "operator",
        9_900,
    )
    assert _balance("shopper_held", user=first.shopper) == 0
    assert deal.sold == 2
