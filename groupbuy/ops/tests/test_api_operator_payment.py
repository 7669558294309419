"""A payment as the operator's page of it shows it, over the API: the order it
paid and its refunds (until 2026-12-07 the page only)."""

import pytest

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.deals.services import deal_order_refund
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.escrow.models import Refund
from groupbuy.escrow.tests.factories import make_captured_intent
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _read(client, user, payment_id):
    client.force_login(user)
    return client.get(
        f"/api/operator/payments/{payment_id}", headers={"Accept-Language": "en"}
    )


def test_an_operator_reads_the_order_a_payment_paid_and_its_refunds(client):
    # given an order paid, then refunded by an operator
    operator = make_operator()
    order = join_and_pay(make_deal())
    deal_order_refund(
        actor=operator, deal=order.deal, order_id=order.public_id, reason="Recalled"
    )
    refund = Refund.objects.get()
    # when
    body = _read(client, operator, order.payment_intent.public_id).json()
    # then
    assert body["order_id"] == order.public_id
    assert body["refunded_fen"] == 9_900
    assert len(body["refunds"]) == 1
    row = body["refunds"][0]
    assert row.pop("created_at")
    assert row == {
        "id": refund.public_id,
        "amount_fen": 9_900,
        "status": refund.status,
        "reason_label": "Refunded by the platform",
    }


def test_a_payment_of_no_order_gives_none_and_no_refunds(client):
    # given a payment another app took (no group-buy order), not refunded
    payment = make_captured_intent(payer=make_person())
    # when
    body = _read(client, make_operator(), payment.public_id).json()
    # then
    assert (body["order_id"], body["refunds"]) == (None, [])


@pytest.mark.parametrize("who", ["payer", "owner", "cashier"])
def test_anyone_but_an_operator_is_refused_with_403(client, who):
    order = join_and_pay(make_deal(), shopper=make_person())
    user = {
        "payer": order.shopper,
        "owner": make_merchant_member(user=make_person(), role="owner").user,
        "cashier": make_merchant_member(user=make_person(), role="cashier").user,
    }[who]
    response = _read(client, user, order.payment_intent.public_id)
    assert response.status_code == 403
    assert "refunds" not in response.json()
