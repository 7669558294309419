"""POST /api/deals/{id}/orders/{order}/refund-units: the shop's owners refund
some units of a paid order; nobody else may."""

import pytest

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
PRICE = 9_900


def _post(client, url, user, body, **headers):
    _token, secret = api_token_create(actor=user)
    headers["Authorization"] = f"Bearer {secret}"
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def shop():
    owner = make_user(preferred_language="en")
    deal = make_deal(merchant=make_merchant(owner=owner), tiers=[(1, PRICE)])
    order = join_and_pay(deal, quantity=3)
    url = f"/api/deals/{deal.public_id}/orders/{order.public_id}/refund-units"
    return {"owner": owner, "deal": deal, "order": order, "url": url}


def test_an_owner_refunds_units_once_per_key(client, shop):
    # given
    body = {"units": 2, "reason": "Out of the large size"}
    key = {"Idempotency-Key": "api-unit-refund-0001"}
    # when the request is sent, then sent again
    first = _post(client, shop["url"], shop["owner"], body, **key)
    again = _post(client, shop["url"], shop["owner"], body, **key)
    reused = _post(client, shop["url"], shop["owner"], {**body, "units": 1}, **key)
    # then
    assert first.status_code == 200, first.json()
    answer = first.json()
    assert (answer["units"], answer["amount_fen"], answer["reason"]) == (
        2,
        2 * PRICE,
        "Out of the large size",
    )
    assert (answer["order"]["quantity"], answer["order"]["refunded_fen"]) == (
        1,
        2 * PRICE,
    )
    assert again.json()["id"] == answer["id"]
    assert (reused.status_code, reused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    order = DealOrder.objects.get(pk=shop["order"].pk)
    assert (order.quantity, order.refunded_fen) == (1, 2 * PRICE)


def test_more_units_than_paid_is_a_409_on_units(client, shop):
    response = _post(
        client, shop["url"], shop["owner"], {"units": 4, "reason": "Too many"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "more_than_paid"
    assert response.json()["fields"] == {
        "units": ["This order has 3 units paid; refund at most that many."]
    }
    order = DealOrder.objects.get(pk=shop["order"].pk)
    assert (order.quantity, order.refunded_fen) == (3, 0)


def test_a_cashier_another_shops_owner_and_the_shopper_cannot(client, shop):
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=shop["deal"].merchant, role="cashier"
    )
    rival_owner = make_user()
    rival = make_merchant(name="Rival", owner=rival_owner)
    rival_cashier = make_user()
    merchant_membership_add(
        actor=None, user=rival_cashier, merchant=rival, role="cashier"
    )
    body = {"units": 1, "reason": "x"}
    for user in (cashier, rival_owner, rival_cashier, shop["order"].shopper):
        response = _post(client, shop["url"], user, body)
        assert response.status_code in (403, 404), response.json()
    order = DealOrder.objects.get(pk=shop["order"].pk)
    assert (order.quantity, order.refunded_fen) == (3, 0)


@pytest.mark.parametrize("units", [0, 10_001])
def test_units_outside_one_to_ten_thousand_are_a_422_on_units(client, shop, units):
    # given a paid order of 3 units
    body = {"units": units, "reason": "Out of the large size"}
    # when its shop's owner asks to refund none, or more than any order holds
    response = _post(client, shop["url"], shop["owner"], body)
    # then the body is refused naming the field, and nothing is refunded
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert list(response.json()["fields"]) == ["units"]
    order = DealOrder.objects.get(pk=shop["order"].pk)
    assert (order.quantity, order.refunded_fen) == (3, 0)


def test_the_document_gives_the_units_limits(client):
    # when the API's document is read
    document = client.get("/api/openapi.json").json()
    # then the body's units say what a request may send, as the coupons' do
    units = document["components"]["schemas"]["RefundUnitsIn"]["properties"]["units"]
    assert (units["minimum"], units["maximum"]) == (1, 10_000)
    assert units["description"]
