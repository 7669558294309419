"""The leave hook: another app's rule asked when a shopper cancels an order
(``deals.leave_hooks``), and only then."""

import pytest

from groupbuy.core.errors import Conflict
from groupbuy.deals import leave_hooks
from groupbuy.deals.leave_hooks import LeaveHook, LeaveTerms
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_cancel, deal_order_refund
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.escrow.models import LedgerTransaction, PaymentIntent

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(monkeypatch):
    """Register a hook (in place of the apps' own) that records what it is
    asked; it refuses while ``asked["refuse"]`` is set."""
    calls = {"leaving": [], "refuse": False}

    def leaving(*, actor, deal, order):
        calls["leaving"].append((actor, order.public_id, order.status))
        if calls["refuse"]:
            raise Conflict("stay", "You may not leave.")

    def terms(order):
        return LeaveTerms(kept_fen=100, message="kept")

    monkeypatch.setattr(
        leave_hooks, "_hooks", [LeaveHook(terms=terms, leaving=leaving)]
    )
    return calls


def test_a_shoppers_cancellation_asks_the_hook_first_and_only_once(asked):
    # given a paid order
    shopper = make_user()
    order = join_and_pay(make_deal(), quantity=2, shopper=shopper)
    # when the shopper cancels it, twice
    deal_order_cancel(actor=shopper, order=order)
    order = deal_order_cancel(actor=shopper, order=order)
    # then the hook was asked once, the order still paid, then it was refunded
    assert asked["leaving"] == [(shopper, order.public_id, DealOrder.Status.PAID)]
    assert (order.status, order.refunded_fen) == (
        DealOrder.Status.REFUNDED,
        order.amount_fen,
    )
    assert leave_hooks.leave_terms(order) == LeaveTerms(kept_fen=100, message="kept")


def test_a_hook_that_refuses_rolls_the_cancellation_back(asked):
    # given a paid order and a hook that refuses
    shopper = make_user()
    order = join_and_pay(make_deal(), quantity=1, shopper=shopper)
    postings = LedgerTransaction.objects.count()
    asked["refuse"] = True
    # when the shopper cancels, then the refusal is theirs and nothing moved
    with pytest.raises(Conflict) as refused:
        deal_order_cancel(actor=shopper, order=order)
    assert refused.value.code == "stay"
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID
    assert order.payment_intent.refunded_fen == 0
    assert LedgerTransaction.objects.count() == postings


def test_a_merchants_refund_does_not_ask_the_hook(asked):
    # given a paid order of a merchant's deal
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    order = join_and_pay(deal, quantity=1)
    # when its owner refunds it, then everything goes back, no hook asked
    order = deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    assert asked["leaving"] == []
    assert order.refunded_fen == order.amount_fen
    intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    assert intent.refunded_fen == order.amount_fen
