from django.test import Client
from django.urls import reverse

from groupbuy.core.money import format_fen
from groupbuy.escrow.services import payment_refund
from groupbuy.escrow.tests.factories import make_captured_intent


def test_money_requires_login(db):
    response = Client().get(reverse("web:money"))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/money/"


def test_money_for_newcomer_is_zero_with_empty_ledger(shopper_client):
    response = shopper_client.get(reverse("web:money"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="money-held">¥0.00<' in html
    assert response.context["lines"].items == []


def test_money_shows_held_refunded_and_every_line(shopper_client, shopper):
    # given: 99.00 paid into escrow, 10.00 of it refunded
    intent = make_captured_intent(payer=shopper, amount_fen=9900)
    payment_refund(
        actor=None,
        intent=intent,
        amount_fen=1000,
        idempotency_key="web-test-refund",
        reason="test",
    )
    # when
    response = shopper_client.get(reverse("web:money"))
    # then
    html = response.content.decode()
    assert 'id="money-held">¥89.00<' in html
    assert 'id="money-refunded">¥10.00<' in html
    assert 'id="money-paid-in">¥99.00<' in html
    assert [line.amount_fen for line in response.context["lines"].items] == [
        -1000,
        9900,
    ]


def test_a_coupon_deals_charge_counts_as_spent(client, db):
    # given a confirmed order of a deal settled as its coupons are redeemed
    from groupbuy.coupons.tests.factories import confirmed_orders, make_station

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    client.force_login(order.shopper)
    # when the shopper opens their money page
    response = client.get(reverse("web:money"))
    html = response.content.decode()
    # then the charge is spent, not lost between the figures, and named
    paid = format_fen(order.amount_fen)
    assert f'id="money-spent">{paid}<' in html
    assert f'id="money-paid-in">{paid}<' in html
    assert 'id="money-held">¥0.00<' in html
    (charge, _payment) = response.context["lines"].items
    assert charge.label in html
    assert (charge.kind, charge.amount_fen) == (
        "escrow.hold.pending",
        -order.amount_fen,
    )
    assert 'id="money-kept"' not in html
