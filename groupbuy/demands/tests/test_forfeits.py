"""Leaving after acceptance, however it is asked for: "Leave" on the demand
page (``demand_withdraw``) or "Cancel order" on the order page (the deals app's
``deal_order_cancel``), both under the demand's forfeit rule; and a merchant's
or operator's refund, which is not leaving and gives the deposit back."""

import pytest
from django.test import override_settings

from groupbuy.core.audit import AuditEntry
from groupbuy.core.errors import DomainError
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_cancel, deal_order_refund
from groupbuy.demands import services
from groupbuy.demands.models import Participation
from groupbuy.demands.selectors import order_leave_terms
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_offer,
    make_published,
    make_user,
    pay_intent,
)
from groupbuy.escrow.models import LedgerTransaction, PaymentIntent
from groupbuy.escrow.selectors import shopper_money_summary
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up

pytestmark = pytest.mark.django_db
Status = Participation.Status

RULES = [
    # rule, to the merchant, to the platform, refunded (of a 15.00 deposit)
    ("merchant", 1_500, 0, 0),
    ("platform", 0, 1_500, 0),
    ("refund", 0, 0, 1_500),
]


def _accepted(rule: str = "merchant", **published):
    """A demand made under ``rule`` whose offer (3 units at 45.00) is accepted,
    with a joiner whose 15.00 deposit went to their order of 135.00."""
    with override_settings(GROUPBUY_DEMAND_FORFEIT_RULE=rule):
        demand = make_published(**published)
    joiner = join_and_pay(demand, quantity=3)
    offer = make_offer(demand, unit_price_fen=4_500)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    return demand, joiner, order


def _leave_on_the_demand_page(participation, order):
    services.demand_withdraw(actor=participation.shopper, demand=order.deal.demand)


def _cancel_on_the_order_page(participation, order):
    deal_order_cancel(actor=participation.shopper, order=order)


@pytest.mark.parametrize(("rule", "merchant_gets", "platform_gets", "refunded"), RULES)
@pytest.mark.parametrize(
    "leave",
    [_leave_on_the_demand_page, _cancel_on_the_order_page],
    ids=["leave", "cancel_order"],
)
def test_cancelling_the_order_is_leaving_under_the_forfeit_rule(
    leave, rule, merchant_gets, platform_gets, refunded
):
    # given a joiner whose 15.00 deposit went to their order, 120.00 still to pay
    demand, joiner, order = _accepted(rule)
    sold = demand.deal.sold
    # when they leave, from the demand page or by cancelling the order
    leave(joiner, order)
    # then the deposit goes where the rule said, whichever way they left
    joiner.refresh_from_db()
    order.refresh_from_db()
    assert joiner.status == Status.FORFEITED
    assert (order.status, order.refunded_fen) == (DealOrder.Status.CANCELLED, refunded)
    assert balance("merchant_payable", merchant=demand.accepted_offer.merchant) == (
        merchant_gets
    )
    assert balance("platform_revenue") == platform_gets
    deposit = PaymentIntent.objects.get(pk=joiner.intent_id)
    assert (deposit.refunded_fen, deposit.released_fen) == (
        refunded,
        merchant_gets + platform_gets,
    )
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert shopper_money_summary(user=joiner.shopper).kept_fen == 1_500 - refunded
    assert_shoppers_money_adds_up(joiner.shopper)
    # and the rest they had not paid can no longer be paid; the units are back
    assert order.payment_intent.status == PaymentIntent.Status.CANCELLED
    demand.deal.refresh_from_db()
    assert demand.deal.sold == sold - 3
    forfeited = AuditEntry.objects.get(action="demands.participation.forfeited")
    assert forfeited.data == {
        "rule": rule,
        "kept_fen": 1_500 - refunded,
        "order": order.public_id,
    }
    assert_ledger_sound()
    # when they cancel or leave again, then nothing changes
    postings = LedgerTransaction.objects.count()
    deal_order_cancel(actor=joiner.shopper, order=order)
    with pytest.raises(DomainError) as refused:
        services.demand_withdraw(actor=joiner.shopper, demand=demand)
    assert refused.value.code == "not_participating"
    assert LedgerTransaction.objects.count() == postings
    forfeits = AuditEntry.objects.filter(action="demands.participation.forfeited")
    assert forfeits.count() == 1
    assert demand.deal.orders.get(pk=order.pk).status == DealOrder.Status.CANCELLED


def test_a_deposit_that_paid_the_whole_order_is_kept_whole_when_it_is_cancelled():
    # given a joiner whose 24.00 deposit paid their order of 3 × 7.50 (paid)
    with override_settings(GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN=2_400):
        demand = make_published(target_unit_price_fen=8_000)
        joiner = join_and_pay(demand, quantity=3)
    offer = make_offer(demand, unit_price_fen=750)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    assert order.status == DealOrder.Status.PAID
    # when they cancel the order
    order = deal_order_cancel(actor=joiner.shopper, order=order)
    # then the merchant has the whole deposit, as leaving would have given it
    assert order.refunded_fen == 0
    assert balance("merchant_payable", merchant=offer.merchant) == 2_400
    assert balance("shopper_held", user=joiner.shopper) == 0
    joiner.refresh_from_db()
    assert joiner.status == Status.FORFEITED
    assert_ledger_sound()


def test_the_initiator_who_cancels_their_order_leaves_under_the_rule_too():
    # given the initiator's 10.00 deposit applied to their order
    demand, _joiner, _order = _accepted("merchant")
    mine = demand.deal.orders.get(shopper=demand.initiator)
    # when they cancel it, then their deposit goes to the merchant
    deal_order_cancel(actor=demand.initiator, order=mine)
    initiator = demand.participations.get(is_initiator=True)
    assert initiator.status == Status.FORFEITED
    assert balance("merchant_payable", merchant=demand.accepted_offer.merchant) == (
        1_000
    )
    assert balance("shopper_held", user=demand.initiator) == 0
    assert_ledger_sound()


def test_the_initiator_may_leave_from_the_demand_page_after_acceptance():
    # given an accepted demand (before it, the initiator cancels instead)
    demand, _joiner, _order = _accepted("platform")
    # when the initiator leaves, then it is the same as cancelling their order
    participation = services.demand_withdraw(actor=demand.initiator, demand=demand)
    assert participation.status == Status.FORFEITED
    order = demand.deal.orders.get(shopper=demand.initiator)
    assert order.status == DealOrder.Status.CANCELLED
    assert balance("platform_revenue") == 1_000
    assert_ledger_sound()


def test_before_acceptance_the_initiator_still_cancels_instead_of_leaving():
    demand = make_published()
    with pytest.raises(DomainError) as refused:
        services.demand_withdraw(actor=demand.initiator, demand=demand)
    assert refused.value.code == "initiator_cannot_withdraw"


@pytest.mark.parametrize(
    ("rule", "kept", "says"),
    [
        ("merchant", 1_500, "goes to the merchant"),
        ("platform", 1_500, "the platform keeps"),
        ("refund", 0, "is refunded"),
    ],
)
def test_the_cancel_terms_say_what_the_rule_keeps(rule, kept, says):
    # given a joiner's order in an accepted demand
    _demand, joiner, order = _accepted(rule, title="有机牛奶")
    # when they ask what cancelling costs, then the rule's answer
    terms = order_leave_terms(order)
    assert terms.kept_fen == kept
    assert "有机牛奶" in terms.message and "¥15.00" in terms.message
    assert says in terms.message
    # and once they have left there is nothing more to keep
    deal_order_cancel(actor=joiner.shopper, order=order)
    assert order_leave_terms(order) is None


@pytest.mark.parametrize("by", ["merchant", "operator"])
def test_a_merchant_or_operator_refund_gives_the_deposit_back(by):
    # given a joiner who paid the 120.00 rest of their order on top of the deposit
    demand, joiner, order = _accepted("merchant")
    pay_intent(order.payment_intent)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID
    merchant = demand.accepted_offer.merchant
    actor = (
        merchant.memberships.get().user
        if by == "merchant"
        else make_user(is_staff=True)
    )
    # when the merchant (or an operator) refunds the order
    order = deal_order_refund(
        actor=actor, deal=demand.deal, order_id=order.public_id, reason="Out of stock"
    )
    # then everything the joiner paid comes back, the deposit included
    assert (order.status, order.refunded_fen) == (DealOrder.Status.REFUNDED, 13_500)
    assert balance("merchant_payable", merchant=merchant) == 0
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert shopper_money_summary(user=joiner.shopper).kept_fen == 0
    assert PaymentIntent.objects.get(pk=joiner.intent_id).refunded_fen == 1_500
    assert not AuditEntry.objects.filter(action="demands.participation.forfeited")
    # and the joiner did not leave: nothing is forfeited, the deposit is refunded
    joiner.refresh_from_db()
    assert joiner.status == Status.REFUNDED
    assert_shoppers_money_adds_up(joiner.shopper)
    assert_ledger_sound()
    # and the shopper can no longer leave it (nothing is kept afterwards)
    postings = LedgerTransaction.objects.count()
    deal_order_cancel(actor=joiner.shopper, order=order)
    with pytest.raises(DomainError):
        services.demand_withdraw(actor=joiner.shopper, demand=demand)
    assert LedgerTransaction.objects.count() == postings
