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


OLD_PHONE = "+8613800138011"


@pytest.fixture
def moved(shopper):
    """The shopper had OLD_PHONE until 2026-11-30, then moved to their number."""
    from datetime import UTC, datetime

    from groupbuy.accounts.models import PreviousPhone

    PreviousPhone.objects.create(
        user=shopper,
        phone=OLD_PHONE,
        held_until=datetime(2026, 11, 30, 4, 0, tzinfo=UTC),
    )
    return shopper


def test_lookup_finds_a_person_by_a_number_they_had_before(operator_client, moved):
    html = operator_client.get(
        reverse("web:operator_lookup"), {"q": "138 0013 8011"}
    ).content.decode()

    # then they are found, with their number now (masked) and the old one's end
    assert 'id="lookup-empty"' not in html
    people = html[html.index('id="lookup-people"') :]
    assert f'href="/operator/people/{moved.public_id}/"' in people
    assert '<span class="masked-phone">+86138****8000</span>' in people
    assert "Had this number until 2026-11-30" in people
    assert "+8613800138000" not in html


def test_the_lookup_api_finds_a_person_by_a_number_they_had_before(operator, moved):
    found = (
        Client()
        .get("/api/operator/lookup", {"q": "13800138011"}, headers=bearer(operator))
        .json()
    )

    assert found["people"] == [
        {
            "id": moved.public_id,
            "phone_masked": "+86138****8000",
            "display_name": "Lin",
            "previous_number_until": "2026-11-30T04:00:00Z",
            "erased_at": None,
        }
    ]


def test_a_number_had_before_finds_the_persons_orders_payments_and_shops(
    operator_client, moved
):
    # given the shopper (who had OLD_PHONE) paid for an order and owns a shop
    from groupbuy.accounts.models import MerchantMembership
    from groupbuy.catalog.models import Merchant

    order = join_and_pay(make_deal(title="Tea"), shopper=moved)
    shop = Merchant.objects.create(name="Lin's Fruit")
    MerchantMembership.objects.create(
        user=moved, merchant=shop, role=MerchantMembership.Role.OWNER
    )
    # when an operator looks the old number up, on the page and by the API
    html = operator_client.get(
        reverse("web:operator_lookup"), {"q": "138 0013 8011"}
    ).content.decode()
    # then the person's order, payment and shop are listed with them
    assert f">{order.public_id}</a>" in html[html.index('id="lookup-orders"') :]
    assert (
        f">{order.payment_intent.public_id}</a>"
        in (html[html.index('id="lookup-payments"') :])
    )
    assert "Lin&#x27;s Fruit" in html[html.index('id="lookup-merchants"') :]
    assert "+8613800138000" not in html


def test_the_lookup_api_gives_the_orders_of_who_had_the_number_before(operator, moved):
    # given the shopper (who had OLD_PHONE) paid for an order
    order = join_and_pay(make_deal(title="Tea"), shopper=moved)
    # when an operator looks the old number up by the API
    found = (
        Client()
        .get("/api/operator/lookup", {"q": "13800138011"}, headers=bearer(operator))
        .json()
    )
    # then the order and its payment are in the lists
    assert [item["id"] for item in found["orders"]] == [order.public_id]
    assert [item["id"] for item in found["payments"]] == [
        order.payment_intent.public_id
    ]


def test_the_person_page_gives_previous_numbers_and_a_pending_erasure(
    operator_client, moved
):
    from django.utils import timezone

    from groupbuy.ops.services import erasure_request

    request = erasure_request(actor=moved)

    html = operator_client.get(
        reverse("web:operator_person", args=[moved.public_id])
    ).content.decode()

    previous = html[html.index('id="person-previous-phones"') :]
    assert previous.startswith(
        'id="person-previous-phones"><span class="masked-phone">+86138****8011</span>'
        ' <span class="muted small">until 2026-11-30</span></dd>'
    )
    assert OLD_PHONE not in html
    due = timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f'<dd id="person-erasure-pending">Asked to be erased; due {due} '
        f'<a href="/operator/erasures/{request.public_id}/">Erase now</a></dd>'
    ) in html


def test_the_person_api_gives_previous_numbers_and_a_pending_erasure(operator, moved):
    from groupbuy.ops.services import erasure_request

    request = erasure_request(actor=moved)

    person = (
        Client()
        .get(f"/api/operator/people/{moved.public_id}", headers=bearer(operator))
        .json()
    )

    assert person["previous_phones"] == [
        {"phone_masked": "+86138****8011", "held_until": "2026-11-30T04:00:00Z"}
    ]
    assert person["erasure_due_at"] is not None
    assert person["erasure_due_at"].startswith(request.due_at.strftime("%Y-%m-%d"))
    assert person["erased_at"] is None


@pytest.fixture
def erased(shopper, operator):
    """The shopper, with an order paid then cancelled, erased by the operator."""
    from groupbuy.deals.services import deal_order_cancel
    from groupbuy.ops.services import erasure_perform, erasure_request

    order = join_and_pay(make_deal(), shopper=shopper)
    deal_order_cancel(actor=shopper, order=order)
    request = erasure_perform(actor=operator, request=erasure_request(actor=shopper))
    shopper.refresh_from_db()
    return shopper, order, request


def test_an_erased_person_is_a_deleted_user_with_the_date_to_operators(
    operator_client, erased
):
    from django.utils import timezone

    person, order, request = erased
    day = timezone.localtime(request.completed_at).strftime("%Y-%m-%d")
    pages = {
        "person": reverse("web:operator_person", args=[person.public_id]),
        "order": reverse("web:operator_order", args=[order.public_id]),
        "payment": reverse(
            "web:operator_payment", args=[order.payment_intent.public_id]
        ),
        "lookup": reverse("web:operator_lookup") + f"?q={person.public_id}",
    }
    for name, url in pages.items():
        html = operator_client.get(url).content.decode()
        # then never the pseudonym, whole or masked
        assert person.phone not in html, name
        assert person.phone[:12] not in html, name
        assert f"Deleted user, erased on {day}" in html, name


def test_the_lookup_lists_name_an_erased_buyer_as_deleted_user(operator_client, erased):
    person, order, _request = erased

    html = operator_client.get(
        reverse("web:operator_lookup"), {"q": order.public_id}
    ).content.decode()

    assert '<td data-label="Shopper">Deleted user</td>' in html
    assert person.phone[:12] not in html


def test_the_person_api_gives_an_erased_person_no_pseudonym(operator, erased):
    person, _order, request = erased

    answer = (
        Client()
        .get(f"/api/operator/people/{person.public_id}", headers=bearer(operator))
        .json()
    )

    assert answer["phone"] == ""
    assert answer["erased_at"] is not None
    assert answer["erased_at"].startswith(request.completed_at.strftime("%Y-%m-%d"))


def test_the_order_and_payment_apis_give_an_erased_buyer_no_pseudonym(operator, erased):
    _person, order, _request = erased
    client = Client()
    headers = bearer(operator)

    detail = client.get(f"/api/operator/orders/{order.public_id}", headers=headers)
    payment = client.get(
        f"/api/operator/payments/{order.payment_intent.public_id}", headers=headers
    )

    assert detail.json()["shopper_phone"] == ""
    assert payment.json()["payer_phone"] == ""
