"""After a refund of some units, an order's ``amount_fen`` is what its units
still cost, lower than what was paid: staff who compare what was paid with
what was refunded read paid, refunded and kept, the same in the admin, the
operator's order page and API, and the shop's order pages."""

import re

import pytest
from django.test import Client

from groupbuy.accounts.services import api_token_create
from groupbuy.core.money import format_fen
from groupbuy.deals.services import deal_order_refund_units
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
PRICE = 9_900


@pytest.fixture
def partly_refunded():
    """An order of 3 units at ¥99.00, one refunded by the shop: paid ¥297.00,
    refunded ¥99.00, kept ¥198.00 (its amount_fen now ¥198.00 too)."""
    owner = make_user(preferred_language="en")
    deal = make_deal(merchant=make_merchant(owner=owner), tiers=[(1, PRICE)], stock=10)
    order = join_and_pay(deal, quantity=3)
    deal_order_refund_units(
        actor=owner,
        deal=deal,
        order_id=order.public_id,
        units=1,
        reason="One box damaged",
    )
    order.refresh_from_db()
    assert (order.amount_fen, order.refunded_fen) == (2 * PRICE, PRICE)
    return owner, deal, order


def _client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _money_cell(html: str, order) -> tuple[str, str, str]:
    row = re.search(
        rf'id="merchant-order-{order.public_id}">(.*?)</tr>', html, re.S
    ).group(1)
    cell = re.search(
        r'data-paid-fen="(\d+)" data-refunded-fen="(\d+)" data-kept-fen="(\d+)"', row
    )
    return cell.groups()


def test_the_admin_shows_paid_refunded_and_kept(partly_refunded):
    _owner, _deal, order = partly_refunded
    operator = make_user(is_staff=True, is_superuser=True, preferred_language="en")
    client = _client(operator)
    listing = client.get("/admin/deals/dealorder/").content.decode()
    change = client.get(f"/admin/deals/dealorder/{order.pk}/change/").content.decode()
    for page in (listing, change):
        assert format_fen(3 * PRICE) in page  # paid
        assert format_fen(PRICE) in page  # refunded
        assert "kept" in page.lower()
    # the order's amount is no longer called what was paid
    assert "amount paid" not in change.lower()
    assert "Amount of the units kept" in change


def test_the_operators_order_page_and_api_give_paid_refunded_and_kept(
    partly_refunded,
):
    _owner, _deal, order = partly_refunded
    operator = make_user(is_staff=True, preferred_language="en")
    page = _client(operator).get(f"/operator/orders/{order.public_id}/")
    html = page.content.decode()
    for name, amount in (("paid", 3 * PRICE), ("refunded", PRICE), ("kept", 2 * PRICE)):
        found = re.search(rf'id="order-{name}">([^<]*)<', html).group(1)
        assert found == format_fen(amount), name
    _token, secret = api_token_create(actor=operator)
    body = (
        Client()
        .get(
            f"/api/operator/orders/{order.public_id}",
            headers={"Authorization": f"Bearer {secret}"},
        )
        .json()
    )
    assert (body["paid_fen"], body["refunded_fen"], body["kept_fen"]) == (
        3 * PRICE,
        PRICE,
        2 * PRICE,
    )


def test_the_shops_order_pages_give_paid_refunded_and_kept(partly_refunded):
    owner, deal, order = partly_refunded
    client = _client(owner)
    merchant_id = deal.merchant.public_id
    orders = client.get(f"/merchant/{merchant_id}/orders/").content.decode()
    detail = client.get(
        f"/merchant/{merchant_id}/deals/{deal.public_id}/"
    ).content.decode()
    expected = (str(3 * PRICE), str(PRICE), str(2 * PRICE))
    # the deal's page showed amount_fen as paid: ¥198.00 paid, ¥99.00 refunded
    assert _money_cell(detail, order) == expected
    assert _money_cell(orders, order) == expected
    for html in (orders, detail):
        assert f"{format_fen(2 * PRICE)} kept" in html


def test_the_operators_lists_give_paid_refunded_and_kept(partly_refunded):
    _owner, _deal, order = partly_refunded
    operator = make_user(is_staff=True, preferred_language="en")
    client = _client(operator)
    lookup = client.get("/operator/lookup/", {"q": order.public_id})
    person = client.get(f"/operator/people/{order.shopper.public_id}/")
    for html in (lookup.content.decode(), person.content.decode()):
        paid = re.search(r'class="num order-paid">([^<]*)<', html).group(1)
        kept = re.search(r'class="num order-kept">([^<]*)<', html).group(1)
        assert (paid, kept) == (format_fen(3 * PRICE), format_fen(2 * PRICE))
    _token, secret = api_token_create(actor=operator)
    (row,) = (
        Client()
        .get(
            "/api/operator/lookup",
            {"q": order.public_id},
            headers={"Authorization": f"Bearer {secret}"},
        )
        .json()["orders"]
    )
    assert (row["paid_fen"], row["refunded_fen"], row["kept_fen"]) == (
        3 * PRICE,
        PRICE,
        2 * PRICE,
    )
