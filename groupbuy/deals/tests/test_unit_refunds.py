"""A shop's owner refunds some units of a paid order while its group buy is
open: the units leave the order, their money goes back to the shopper from
escrow, once per one-time key, and the shopper is told why."""

from collections import Counter

import pytest
from django.db.models import Sum

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder, OrderUnitRefund
from groupbuy.deals.services import (
    deal_close_now,
    deal_order_cancel,
    deal_order_refund_units,
    deal_settle,
)
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.models import LedgerEntry, PaymentIntent, Refund
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up
from groupbuy.notify.models import Notification

Status = DealOrder.Status
PRICE = 9_900


def _shop_with_order(quantity: int = 3):
    owner = make_user(preferred_language="en")
    deal = make_deal(merchant=make_merchant(owner=owner), tiers=[(1, PRICE)], stock=10)
    shopper = make_user(preferred_language="en")
    order = join_and_pay(deal, quantity=quantity, shopper=shopper)
    return owner, deal, order


def _refund(owner, deal, order, units, *, key="", reason="Out of the large size"):
    return deal_order_refund_units(
        actor=owner,
        deal=deal,
        order_id=order.public_id,
        units=units,
        reason=reason,
        idempotency_key=key,
    )


def _held_by_intents(order) -> int:
    intents = PaymentIntent.objects.filter(reference=order.public_id)
    return sum(i.amount_fen - i.refunded_fen - i.released_fen for i in intents)


def _assert_ledger_balanced() -> None:
    totals = LedgerEntry.objects.values("transaction").annotate(t=Sum("amount_fen"))
    assert {row["t"] for row in totals} == {0}


@pytest.mark.django_db
def test_an_owner_refunds_two_of_three_units_and_the_rest_stays_paid():
    # given a paid order of 3 units
    owner, deal, order = _shop_with_order(3)
    sold_before = Deal.objects.get(pk=deal.pk).sold
    # when the owner refunds 2 of them
    refund = _refund(owner, deal, order, 2)
    # then the 2 units' money goes back to the shopper, the order keeps 1
    order.refresh_from_db()
    assert (refund.units, refund.amount_fen) == (2, 2 * PRICE)
    assert (order.status, order.quantity, order.amount_fen, order.refunded_fen) == (
        Status.PAID,
        1,
        PRICE,
        2 * PRICE,
    )
    assert Deal.objects.get(pk=deal.pk).sold == sold_before - 2
    assert _held_by_intents(order) == PRICE
    assert list(Refund.objects.values_list("amount_fen", "reason")) == [
        (2 * PRICE, "Out of the large size")
    ]
    _assert_ledger_balanced()
    assert_shoppers_money_adds_up(order.shopper)
    entry = AuditEntry.objects.get(action="deals.order.units_refunded_by_merchant")
    assert (entry.actor, entry.data["units"], entry.data["quantity_left"]) == (
        owner,
        2,
        1,
    )
    note = Notification.objects.get(kind="deals.order.units_refunded")
    assert note.recipient == order.shopper
    assert str(note.body) == (
        "The shop refunded 2 of the units you paid for: ¥198.00 is refunded to "
        "you, and the rest of your order stands. The shop says: “Out of the "
        "large size”"
    )
    assert "Out of the large size" in str(note.body)
    # and at close the order is charged for its one unit
    deal = deal_close_now(actor=owner, deal=deal)
    deal_settle(deal=deal)
    order.refresh_from_db()
    assert (order.status, order.charged_fen) == (Status.CONFIRMED, PRICE)
    _assert_ledger_balanced()
    assert_shoppers_money_adds_up(order.shopper)


@pytest.mark.django_db
def test_refunding_every_unit_refunds_the_order_with_the_shops_words():
    owner, deal, order = _shop_with_order(2)
    _refund(owner, deal, order, 2, reason="Sold out at the farm")
    order.refresh_from_db()
    assert (order.status, order.cancel_reason, order.refund_reason) == (
        Status.REFUNDED,
        DealOrder.CancelReason.MERCHANT,
        "Sold out at the farm",
    )
    assert order.refunded_fen == 2 * PRICE
    assert _held_by_intents(order) == 0
    _assert_ledger_balanced()


@pytest.mark.django_db
def test_more_units_than_paid_no_units_or_no_reason_are_refused_changing_nothing():
    owner, deal, order = _shop_with_order(2)
    for units, reason, code, status in (
        (3, "x", "more_than_paid", 409),
        (0, "x", "invalid", 400),
        (1, "   ", "invalid", 400),
    ):
        with pytest.raises(DomainError) as refused:
            _refund(owner, deal, order, units, reason=reason)
        assert (refused.value.code, refused.value.status) == (code, status)
        if code == "more_than_paid":
            assert refused.value.message == (
                "This order has 2 units paid; refund at most that many."
            )
    order.refresh_from_db()
    assert (order.quantity, order.refunded_fen) == (2, 0)
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_cashier_another_shops_owner_and_a_stranger_cannot_refund_units():
    _owner, deal, order = _shop_with_order(2)
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=deal.merchant, role="cashier"
    )
    rival = make_user()
    make_merchant(name="Rival", owner=rival)
    for actor in (cashier, rival, make_user(), order.shopper):
        with pytest.raises(DomainError) as refused:
            _refund(actor, deal, order, 1)
        assert refused.value.status == 403
    assert not OrderUnitRefund.objects.exists()


@pytest.mark.django_db
def test_the_same_key_refunds_once_and_is_refused_for_other_units():
    owner, deal, order = _shop_with_order(3)
    first = _refund(owner, deal, order, 1, key="unit-refund-key-0001")
    again = _refund(owner, deal, order, 1, key="unit-refund-key-0001")
    assert again.pk == first.pk
    with pytest.raises(DomainError) as refused:
        _refund(owner, deal, order, 2, key="unit-refund-key-0001")
    assert (refused.value.code, refused.value.status) == (
        "idempotency_key_reused",
        409,
    )
    order.refresh_from_db()
    assert (order.quantity, order.refunded_fen) == (2, PRICE)
    assert Notification.objects.filter(kind="deals.order.units_refunded").count() == 1


@pytest.mark.django_db
def test_units_of_a_closed_deal_or_an_unpaid_order_are_not_refunded_here():
    owner, deal, order = _shop_with_order(2)
    unpaid = DealOrder.objects.create(
        deal=deal,
        shopper=make_user(),
        quantity=1,
        unit_price_cap_fen=PRICE,
        amount_fen=PRICE,
        joined_at=order.joined_at,
    )
    with pytest.raises(DomainError) as refused:
        _refund(owner, deal, unpaid, 1)
    assert refused.value.code == "not_paid"
    deal_close_now(actor=owner, deal=deal)
    with pytest.raises(DomainError) as refused:
        _refund(owner, deal, order, 1)
    assert refused.value.code == "deal_closed"


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_refund_more_than_was_paid(file_database):
    # given an order of 3 units and two owners' refunds of 2 each at once
    owner, deal, order = _shop_with_order(3)
    outcomes = race(
        [
            lambda n=n: _refund(owner, deal, order, 2, key=f"race-unit-refund-{n:04d}")
            for n in range(2)
        ]
    )
    # then one refunds, the other finds 1 unit left and is refused
    assert outcomes == Counter({"ok": 1, "more_than_paid": 1})
    order.refresh_from_db()
    assert (order.quantity, order.refunded_fen) == (1, 2 * PRICE)
    assert _held_by_intents(order) == PRICE
    _assert_ledger_balanced()


@pytest.mark.django_db(transaction=True)
def test_the_same_refund_sent_twice_at_once_refunds_once(file_database):
    owner, deal, order = _shop_with_order(3)
    outcomes = race(
        [lambda: _refund(owner, deal, order, 1, key="twice-unit-refund-01")] * 2
    )
    assert outcomes == Counter({"ok": 2})
    assert OrderUnitRefund.objects.count() == 1
    order.refresh_from_db()
    assert (order.quantity, order.refunded_fen) == (2, PRICE)
    _assert_ledger_balanced()


@pytest.mark.django_db(transaction=True)
def test_a_refund_and_the_shoppers_cancel_at_once_refund_what_was_paid_once(
    file_database,
):
    # given an order of 3 units; the owner refunds 1 as the shopper cancels
    owner, deal, order = _shop_with_order(3)
    shopper = order.shopper
    outcomes = race(
        [
            lambda: _refund(owner, deal, order, 1),
            lambda: deal_order_cancel(
                actor=shopper, order=DealOrder.objects.get(pk=order.pk)
            ),
        ]
    )
    # then whichever went first, the shopper gets back exactly what they paid
    assert set(outcomes) <= {"ok", "not_paid"}, outcomes
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert order.refunded_fen == 3 * PRICE
    assert _held_by_intents(order) == 0
    assert Deal.objects.get(pk=deal.pk).sold == 0
    _assert_ledger_balanced()


@pytest.mark.django_db
def test_erasing_the_shopper_cuts_them_out_of_the_shops_words():
    # given a refund whose reason names the shopper
    from groupbuy.deals.personal_data import DealsPersonalData

    owner, deal, order = _shop_with_order(3)
    shopper = order.shopper
    shopper.display_name = "Lan Wei"
    shopper.save(update_fields=["display_name"])
    _refund(owner, deal, order, 1, reason=f"Lan Wei asked on {shopper.phone}")
    # when the shopper's personal data is erased
    DealsPersonalData().erase(shopper)
    # then the refund stays, its words without them
    refund = OrderUnitRefund.objects.get()
    assert "Lan Wei" not in refund.reason
    assert shopper.phone not in refund.reason
    assert refund.amount_fen == PRICE


@pytest.mark.django_db
def test_the_sales_figures_count_the_sale_and_its_refund_apart():
    # given an order of 3 units, 2 of them refunded by the shop
    from django.utils import timezone

    from groupbuy.deals.merchant_selectors import merchant_sales

    owner, deal, order = _shop_with_order(3)
    _refund(owner, deal, order, 2)
    today = timezone.localdate()
    # when the owner reads today's sales
    sales = merchant_sales(
        user=owner, merchant=deal.merchant, date_from=today, date_to=today
    )
    # then the sale is the 3 units paid for, the refund the 2 given back, and
    # the net the one kept (not 0, as an order's lowered amount alone read)
    total = sales.total
    assert (total.units, total.revenue_fen, total.refunds_fen) == (
        3,
        3 * PRICE,
        2 * PRICE,
    )
    assert total.net_fen == PRICE - total.fees_fen
