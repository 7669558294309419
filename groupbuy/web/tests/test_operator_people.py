"""What the operator's look-up and person pages say of refunds, previous
numbers, erasure requests and erased people."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.escrow.models import PaymentIntent


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


def refund(order, *, refunded_fen: int, status: str) -> None:
    """Leave the order and its payment as a refund of ``refunded_fen`` does."""
    DealOrder.objects.filter(pk=order.pk).update(
        status=status, refunded_fen=refunded_fen
    )
    PaymentIntent.objects.filter(pk=order.payment_intent_id).update(
        refunded_fen=refunded_fen
    )


@pytest.fixture
def refunded_orders(shopper):
    """An order refunded in full (¥99.00) and one partly (¥6.40 of ¥99.00)."""
    whole = join_and_pay(make_deal(title="Tea"), shopper=shopper)
    part = join_and_pay(make_deal(title="Coffee"), shopper=shopper)
    refund(whole, refunded_fen=whole.amount_fen, status="refunded")
    refund(part, refunded_fen=640, status="confirmed")
    return whole, part


def row(html: str, public_id: str) -> str:
    start = html.index(f">{public_id}</a>")
    return html[start : html.index("</tr>", start)]


def test_lookup_says_a_payment_was_refunded_and_how_much(
    operator_client, refunded_orders
):
    whole, part = refunded_orders

    html = operator_client.get(
        reverse("web:operator_lookup"), {"q": "13800138000"}
    ).content.decode()

    # then not "Paid": refunded in full, or in part, with the amount
    paid_whole = row(html, whole.payment_intent.public_id)
    assert ">Paid, then refunded</td>" in paid_whole
    assert '<td data-label="Refunded" class="num payment-refunded">¥99.00</td>' in (
        paid_whole
    )
    paid_part = row(html, part.payment_intent.public_id)
    assert ">Paid, partly refunded</td>" in paid_part
    assert '<td data-label="Refunded" class="num payment-refunded">¥6.40</td>' in (
        paid_part
    )
    # and the orders list gives the refunded amount beside the status
    assert '<td data-label="Refunded" class="num order-refunded">¥6.40</td>' in (
        row(html, part.public_id)
    )


def test_the_person_page_gives_what_a_confirmed_order_had_refunded(
    operator_client, shopper, refunded_orders
):
    _whole, part = refunded_orders

    html = operator_client.get(
        reverse("web:operator_person", args=[shopper.public_id])
    ).content.decode()

    order_row = row(html, part.public_id)
    assert ">Confirmed</td>" in order_row
    assert '<td data-label="Refunded" class="num order-refunded">¥6.40</td>' in (
        order_row
    )


def test_the_payment_page_says_refunded_in_full(operator_client, refunded_orders):
    whole, _part = refunded_orders
    intent = whole.payment_intent

    html = operator_client.get(
        reverse("web:operator_payment", args=[intent.public_id])
    ).content.decode()

    assert (
        '<dd id="payment-status" data-status="succeeded">Paid, then refunded</dd>'
    ) in html


def test_the_lookup_api_gives_refunded_amounts_in_its_lists(operator, refunded_orders):
    whole, part = refunded_orders

    found = (
        Client()
        .get("/api/operator/lookup", {"q": "13800138000"}, headers=bearer(operator))
        .json()
    )

    orders = {row["id"]: row["refunded_fen"] for row in found["orders"]}
    payments = {row["id"]: row["refunded_fen"] for row in found["payments"]}
    assert orders == {whole.public_id: whole.amount_fen, part.public_id: 640}
    assert payments == {
        whole.payment_intent.public_id: whole.amount_fen,
        part.payment_intent.public_id: 640,
    }
