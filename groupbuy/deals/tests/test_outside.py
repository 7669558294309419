"""Deals from outside: created with participants and deposits; rescheduled."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from groupbuy.clock.services import epoch_ms, server_now_ms
from groupbuy.core.errors import DomainError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import (
    Participant,
    deal_change_schedule,
    deal_close,
    deal_create_with_participants,
    deal_join,
)
from groupbuy.deals.signals import deal_deadline_changed
from groupbuy.deals.tests.factories import (
    ensure_listing,
    ensure_pickup_branch,
    make_deal,
    make_merchant,
    make_product,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, PaymentIntent
from groupbuy.escrow.services import escrow_settle_redemption
from groupbuy.escrow.tests.factories import make_captured_intent

pytestmark = pytest.mark.django_db
State, Status = Deal.State, DealOrder.Status


def _balance(kind, **owner) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


def _demand_deal(participants, **extra):
    merchant = extra.pop("merchant", None) or make_merchant()
    ensure_pickup_branch(merchant)
    product = make_product()
    ensure_listing(merchant=merchant, product=product, price_fen=12_900)
    return deal_create_with_participants(
        actor=None,
        merchant=merchant,
        product=product,
        title="Osmanthus oolong",
        list_price_fen=12_900,
        tiers=[(2, 9_900), (3, 8_900)],
        stock=10,
        deadline_at=timezone.now() + timedelta(days=2),
        participants=participants,
        **extra,
    )


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=0)
def test_a_demand_becomes_a_deal_with_its_deposits_applied(
    django_capture_on_commit_callbacks,
):
    # given three requesters who paid deposits into escrow
    alice, bob, carol = make_user(), make_user(), make_user()
    deposit_a = make_captured_intent(
        payer=alice, amount_fen=2_000, purpose="demands.deposit", reference="dem_1"
    )
    deposit_b = make_captured_intent(
        payer=bob, amount_fen=30_000, purpose="demands.deposit", reference="dem_1"
    )
    # when the demand turns into a deal for them
    deal = _demand_deal(
        [
            Participant(alice, 1, [deposit_a]),
            Participant(bob, 2, [deposit_b]),
            Participant(carol, 1),
        ]
    )
    # then everyone has joined; deposits count toward each order
    assert (deal.state, deal.sold, deal.buyers) == (State.OPEN, 4, 3)
    orders = {o.shopper_id: o for o in deal.orders.select_related("payment_intent")}
    a, b, c = orders[alice.pk], orders[bob.pk], orders[carol.pk]
    assert (a.status, a.payment_intent.amount_fen) == (Status.PENDING_PAYMENT, 7_900)
    assert (b.status, b.payment_intent) == (Status.PAID, deposit_b)
    assert (c.status, c.payment_intent.amount_fen) == (Status.PENDING_PAYMENT, 9_900)
    deposit_a.refresh_from_db()
    assert (deposit_a.purpose, deposit_a.reference) == ("deals.order", a.public_id)
    # when the others pay the rest and the deal closes at ≥3 buyers (89.00)
    pay(a)
    pay(c)
    assert a.status == Status.PAID
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then each pays exactly the final price; extra deposit money goes back
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == (State.SETTLED, 8_900)
    for order, paid_in in ((a, 9_900), (b, 30_000), (c, 9_900)):
        order.refresh_from_db()
        assert order.charged_fen == order.quantity * 8_900
        assert order.refunded_fen == paid_in - order.charged_fen
        assert _balance("shopper_held", user=order.shopper) == 0
    assert _balance("merchant_payable", merchant=deal.merchant) == 4 * 8_900


def test_someone_elses_deposit_is_refused_and_nothing_is_created():
    alice, bob = make_user(), make_user()
    deposit = make_captured_intent(payer=alice, amount_fen=1_000, reference="d")
    with pytest.raises(DomainError) as caught:
        _demand_deal([Participant(bob, 1, [deposit])])
    assert caught.value.code == "not_their_deposit"
    assert not Deal.objects.exists()
    assert PaymentIntent.objects.get(pk=deposit.pk).purpose == "test.purpose"


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=500)
def test_a_deal_settled_on_redemption_pays_the_merchant_per_redemption(
    django_capture_on_commit_callbacks,
):
    # given a deal whose merchant is paid as coupons are redeemed
    merchant = make_merchant()
    deal = _demand_deal([], merchant=merchant, settlement_mode="on_redemption")
    orders = [deal_join(actor=make_user(), deal=deal, quantity=2) for _ in range(2)]
    for order in orders:
        pay(order)
    pass_deadline(deal)
    # when it closes
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the charge waits in pending, not payable
    assert _balance("merchant_pending", merchant=merchant) == 4 * 9_900
    assert _balance("merchant_payable", merchant=merchant) == 0
    # when one coupon (one unit) of the first order is redeemed
    escrow_settle_redemption(
        actor=None, order=orders[0], amount_fen=9_900, idempotency_key="c1"
    )
    # then its share moves to payable minus 5%
    assert _balance("merchant_pending", merchant=merchant) == 3 * 9_900
    assert _balance("merchant_payable", merchant=merchant) == 9_900 - 495
    assert _balance("platform_revenue") == 495


def test_changing_the_schedule_reschedules_pushes_and_signals(
    pushes, django_capture_on_commit_callbacks, monkeypatch
):
    # given an open deal with a watcher
    deal = make_deal(stock=10, tiers=[(3, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=2)
    scheduled, changed = [], []
    monkeypatch.setattr(
        "groupbuy.deals.tasks.deal_close_task.schedule",
        lambda args, eta: scheduled.append((args, eta)),
    )

    def on_changed(sender, deal, actor, previous_deadline_at, deadline_at, **kw):
        changed.append((previous_deadline_at, deadline_at))

    deal_deadline_changed.connect(on_changed)
    old_deadline = deal.deadline_at
    new_deadline = old_deadline + timedelta(days=1)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deal = deal_change_schedule(
                actor=None, deal=deal, deadline=new_deadline, stock=20
            )
    finally:
        deal_deadline_changed.disconnect(on_changed)
    # then
    deal.refresh_from_db()
    assert (deal.deadline_at, deal.stock) == (new_deadline, 20)
    assert scheduled == [((deal.public_id,), new_deadline)]
    assert changed == [(old_deadline, new_deadline)]
    [(deal_id, event)] = [push for push in pushes if push[1]["type"] == "deal.progress"]
    assert (deal_id, event["stock"]) == (deal.public_id, 20)
    assert event["deadline_ms"] == int(new_deadline.timestamp() * 1000)


def test_a_deadline_change_moves_open_countdowns_after_commit(
    pushes, django_capture_on_commit_callbacks
):
    # given an open deal
    deal = make_deal()
    new_deadline = deal.deadline_at + timedelta(hours=5)

    # when its deadline is extended
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deal_change_schedule(actor=None, deal=deal, deadline=new_deadline)

    # then: nothing is sent before the commit ...
    assert pushes == []
    before_ms = server_now_ms()
    for callback in callbacks:
        callback()
    # ... and after it, clock's deadline event, stamped when it was sent
    [(deal_id, event)] = [push for push in pushes if push[1]["type"] == "deal.deadline"]
    assert deal_id == deal.public_id
    assert event["deal_id"] == deal.public_id
    assert event["deadline_ms"] == epoch_ms(new_deadline)
    assert event["reason"] == "extended"
    assert event["sent_ms"] >= before_ms


def test_a_deadline_brought_forward_is_pushed_as_such(
    pushes, django_capture_on_commit_callbacks
):
    deal = make_deal()
    sooner = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        deal_change_schedule(actor=None, deal=deal, deadline=sooner)
    [event] = [event for _id, event in pushes if event["type"] == "deal.deadline"]
    assert (event["deadline_ms"], event["reason"]) == (
        epoch_ms(sooner),
        "brought_forward",
    )


def test_a_stock_change_alone_sends_no_deadline_event(
    pushes, django_capture_on_commit_callbacks
):
    deal = make_deal(stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        deal_change_schedule(actor=None, deal=deal, stock=12)
    assert [event["type"] for _id, event in pushes] == ["deal.progress"]


def test_schedule_changes_that_break_the_rules_are_refused():
    deal = make_deal(stock=10, tiers=[(3, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=5)
    stranger = make_user()
    with pytest.raises(DomainError) as caught:
        deal_change_schedule(actor=stranger, deal=deal, stock=50)
    assert caught.value.status == 403
    with pytest.raises(DomainError) as caught:
        # 5 reserved + one unit for each of the 2 buyers still needed
        deal_change_schedule(actor=None, deal=deal, stock=6)
    assert caught.value.message.startswith("The stock must be at least 7 units")
    with pytest.raises(DomainError):
        deal_change_schedule(
            actor=None, deal=deal, deadline=timezone.now() - timedelta(minutes=1)
        )
    deal.refresh_from_db()
    assert deal.stock == 10


def test_a_stock_cut_below_the_limit_per_order_is_refused_on_the_stock():
    # given an open deal of 10 units allowing 5 per order, one tier of 2 buyers
    deal = make_deal(stock=10, tiers=[(2, 9_900)], max_quantity_per_order=5)
    # when its stock is cut to 4, as creation refuses 5 per order of 4 units
    with translation.override("en"), pytest.raises(DomainError) as caught:
        deal_change_schedule(actor=None, deal=deal, stock=4)
    # then it is refused on the stock, saying the least it may be
    assert (caught.value.status, caught.value.code, caught.value.fields) == (
        400,
        "invalid",
        {
            "stock": [
                "Each order may take up to 5 units: the stock cannot be less than that."
            ]
        },
    )
    deal.refresh_from_db()
    assert deal.stock == 10
    # and the stock cut to the limit itself is accepted
    assert deal_change_schedule(actor=None, deal=deal, stock=5).stock == 5


def test_a_stock_raised_past_the_most_a_deal_may_have_is_refused_on_the_stock():
    # given an open deal of 10 units
    deal = make_deal(stock=10)
    # when its stock is raised past a million units, or past the database's
    for stock in (1_000_001, 2**63):
        with translation.override("en"), pytest.raises(DomainError) as caught:
            deal_change_schedule(actor=None, deal=deal, stock=stock)
        # then it is refused on the stock, as at creation
        assert (caught.value.status, caught.value.fields) == (
            400,
            {"stock": ["A group buy has at most 1,000,000 units of stock."]},
        )
    deal.refresh_from_db()
    assert deal.stock == 10


@override_settings(GROUPBUY_DEAL_MAX_DAYS=10)
def test_a_deadline_is_not_moved_past_the_longest_a_deal_may_sell():
    # given an open deal that started an hour ago
    deal = make_deal()
    # when the shop moves its deadline 2099 (or just past 10 days from its start)
    for too_late in (
        timezone.now().replace(year=2099),
        deal.created_at + timedelta(days=10, minutes=1),
    ):
        with pytest.raises(DomainError) as caught:
            deal_change_schedule(actor=None, deal=deal, deadline=too_late)
        # then it is refused on the deadline, saying by when
        assert caught.value.code == "invalid"
        assert caught.value.fields["deadline_at"][0].startswith(
            "A group buy sells for at most 10 days, as buyers' payments wait until "
            "its deadline: choose a deadline by "
        )
    deal.refresh_from_db()
    assert deal.deadline_at < timezone.now() + timedelta(days=2)
    # and within the 10 days it moves
    within = deal.created_at + timedelta(days=9)
    deal = deal_change_schedule(actor=None, deal=deal, deadline=within)
    assert deal.deadline_at == within


def test_once_someone_paid_the_deadline_only_moves_later():
    # given an open deal with a paid order
    deal = make_deal(deadline_in=timedelta(days=2))
    order = deal_join(actor=make_user(), deal=deal, quantity=1)
    pay(order)
    assert order.status == Status.PAID
    before = deal.deadline_at
    # when the shop brings the deadline to five minutes from now
    with pytest.raises(DomainError) as caught:
        deal_change_schedule(
            actor=None, deal=deal, deadline=timezone.now() + timedelta(minutes=5)
        )
    # then it is refused, saying why
    assert caught.value.fields["deadline_at"][0].startswith(
        "Someone has paid, so the deadline can only move later than "
    )
    deal.refresh_from_db()
    assert deal.deadline_at == before
    # and a later deadline is still accepted
    later = before + timedelta(days=1)
    assert deal_change_schedule(actor=None, deal=deal, deadline=later).deadline_at == (
        later
    )


def test_with_nobody_paid_the_deadline_may_come_sooner():
    # given an open deal whose only order awaits its payment
    deal = make_deal(deadline_in=timedelta(days=2))
    deal_join(actor=make_user(), deal=deal, quantity=1)
    sooner = timezone.now() + timedelta(hours=3)
    # when / then
    assert deal_change_schedule(actor=None, deal=deal, deadline=sooner).deadline_at == (
        sooner
    )


def test_a_deal_from_an_offer_may_sell_at_its_list_price():
    # given a demand's offer at what the shop lists (no discount is claimed: the
    # buyers agreed to the price)
    shopper = make_user()
    deposit = make_captured_intent(payer=shopper, amount_fen=9_900)
    merchant = make_merchant()
    ensure_pickup_branch(merchant)
    # when
    deal = deal_create_with_participants(
        actor=None,
        merchant=merchant,
        product=make_product(),
        title="Osmanthus oolong",
        list_price_fen=9_900,
        tiers=[(1, 9_900)],
        stock=10,
        deadline_at=timezone.now() + timedelta(days=2),
        participants=[Participant(shopper=shopper, quantity=1, deposits=[deposit])],
    )
    # then
    assert (deal.state, deal.list_price_fen) == (State.OPEN, 9_900)
