"""A merchant's owner refunds one paid order of its open group buy."""

import pytest

from groupbuy.core.errors import Conflict, Forbidden, NotFound
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.services.refunds import deal_order_refund
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.escrow.selectors import shopper_money_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_deal(pushes):
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner), stock=10)
    return owner, deal


def test_owner_refunds_a_paid_order_in_full_and_its_units_return(owned_deal):
    # given
    owner, deal = owned_deal
    order = join_and_pay(deal, quantity=2)
    kept = join_and_pay(deal, quantity=1)
    # when
    refunded = deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    # then
    assert refunded.status == DealOrder.Status.REFUNDED
    assert refunded.refunded_fen == order.amount_fen
    assert refunded.cancel_reason == DealOrder.CancelReason.MERCHANT
    deal.refresh_from_db()
    assert deal.sold == 1
    kept.refresh_from_db()
    assert kept.status == DealOrder.Status.PAID
    money = shopper_money_summary(user=order.shopper)
    assert money.held_fen == 0
    assert money.refunded_fen == order.amount_fen
    assert AuditEntry.objects.filter(
        action="deals.order.refunded", object_id=order.public_id
    ).exists()


def test_refunding_again_is_refused_and_moves_no_money(owned_deal):
    owner, deal = owned_deal
    order = join_and_pay(deal)
    deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    with pytest.raises(Conflict) as refused:
        deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    assert refused.value.code == "not_paid"
    assert shopper_money_summary(user=order.shopper).refunded_fen == order.amount_fen


def test_an_unpaid_order_is_not_refunded(owned_deal):
    owner, deal = owned_deal
    order = deal_join(actor=make_user(), deal=deal, quantity=1)
    with pytest.raises(Conflict):
        deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PENDING_PAYMENT


def test_another_merchants_owner_and_a_shopper_may_not_refund(owned_deal):
    # given
    _owner, deal = owned_deal
    order = join_and_pay(deal)
    other_owner = make_user()
    make_merchant(name="Other Mart", owner=other_owner)
    # when / then
    for actor in (other_owner, order.shopper):
        with pytest.raises(Forbidden):
            deal_order_refund(actor=actor, deal=deal, order_id=order.public_id)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


def test_an_order_of_another_deal_is_not_found(owned_deal):
    owner, deal = owned_deal
    elsewhere = join_and_pay(make_deal())
    with pytest.raises(NotFound):
        deal_order_refund(actor=owner, deal=deal, order_id=elsewhere.public_id)


def test_an_operator_refund_is_marked_as_the_platforms(owned_deal):
    _owner, deal = owned_deal
    order = join_and_pay(deal)
    operator = make_user(is_staff=True)
    refunded = deal_order_refund(actor=operator, deal=deal, order_id=order.public_id)
    assert refunded.cancel_reason == DealOrder.CancelReason.OPERATOR


def test_a_closed_deal_refunds_nothing(owned_deal):
    owner, deal = owned_deal
    order = join_and_pay(deal)
    Deal.objects.filter(pk=deal.pk).update(state=Deal.State.SUCCEEDED)
    with pytest.raises(Conflict) as refused:
        deal_order_refund(actor=owner, deal=deal, order_id=order.public_id)
    assert refused.value.code == "deal_closed"
