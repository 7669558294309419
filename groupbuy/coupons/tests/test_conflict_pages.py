"""The offline redemptions that did not count, read by the shop (its page and
``GET /api/coupons/merchants/{id}/conflicts``) and by operators (every shop's,
or one shop's: ``/operator/coupon-conflicts/`` and its API), each with the
money at stake and the coupon's redemption that counted instead; nobody else
reads them. One shared set-up per test (two deals), so three tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from groupbuy.coupons.models import Redemption
from groupbuy.coupons.services import coupon_redeem_online, coupon_revoke_by_operator
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import auth
from groupbuy.coupons.tests.test_batches import batch_from, upload

pytestmark = pytest.mark.django_db

UNIT_PRICE_FEN = 9_900  # confirmed_orders' deal
OPERATOR_PAGE = "/operator/coupon-conflicts/"
OPERATOR_API = "/api/operator/coupon-conflicts"


@dataclass
class Given:
    shop: object  # a Station with two conflicts
    other_shop: object  # a Station with one conflict, recorded last
    operator: object
    redeemed: object  # the shop's coupon redeemed online, then offline
    revoked: object  # the shop's coupon revoked, then redeemed offline


def _redeemed_twice(station, coupon, device: str) -> None:
    """``coupon`` redeemed at the till, then by an offline station."""
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code
    )
    upload(station, batch_from(station, device, (coupon, f"{device}-1", 1, 60)))


@pytest.fixture
def given() -> Given:
    operator = make_user(is_staff=True, preferred_language="en")
    shop = make_station(name="Fresh Mart", owner=make_user(preferred_language="en"))
    orders = confirmed_orders(shop.merchant, quantities=(1, 1))
    redeemed, revoked = (coupon_for(order) for order in orders)
    _redeemed_twice(shop, redeemed, "front till")
    coupon_revoke_by_operator(actor=operator, coupon=revoked, reason="Stolen card")
    upload(shop, batch_from(shop, "back till", (revoked, "back-1", 1, 60)))
    other_shop = make_station(name="Tea House")
    (order,) = confirmed_orders(other_shop.merchant, quantities=(1,))
    _redeemed_twice(other_shop, coupon_for(order), "tea till")
    return Given(shop, other_shop, operator, redeemed, revoked)


def _shop_urls(merchant) -> tuple[str, str]:
    return (
        f"/coupons/merchant/{merchant.public_id}/conflicts/",
        f"/api/coupons/merchants/{merchant.public_id}/conflicts",
    )


def test_the_shop_reads_what_is_at_stake_and_which_redemption_counted(client, given):
    # given a coupon redeemed at the till then by a station, and a revoked one
    # a station redeemed
    online = Redemption.objects.get(coupon=given.redeemed)
    owner = given.shop.owner
    url, api = _shop_urls(given.shop.merchant)
    # when the owner asks the API for the shop's conflicts
    response = client.get(api, headers=auth(owner))
    # then both are listed, newest first, each with the money its unit is
    # worth; the till's redemption is the one that counted, none for the other
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["serial"], i["reason"], i["amount_at_stake_fen"]) for i in items] == [
        (given.revoked.serial, "revoked", UNIT_PRICE_FEN),
        (given.redeemed.serial, "already_redeemed", UNIT_PRICE_FEN),
    ]
    counted = items[1]["counted_redemption"]
    assert (counted["redemption_id"], counted["channel"], counted["quantity"]) == (
        online.public_id,
        "online",
        1,
    )
    assert counted["redeemed_at"].startswith(
        online.redeemed_at.strftime("%Y-%m-%dT%H:%M:%S")
    )
    assert (items[1]["device"], items[1]["cashier_name"]) == ("front till",) * 2
    assert items[0]["counted_redemption"] is None
    # and the page, linked from the console, says the same in words
    client.force_login(owner)
    console = client.get(f"/coupons/merchant/{given.shop.merchant.public_id}/")
    page = client.get(url)
    assert f'href="{url}"' in console.text
    assert page.status_code == 200
    assert page.text.count("<tr data-reason=") == 2
    assert "Already redeemed" in page.text
    assert "Coupon cancelled" in page.text
    assert "Console (online)" in page.text
    assert page.text.count("¥99.00") == 2
    assert "Tea House" not in page.text


def test_operators_read_every_shops_conflicts_or_one_shops(client, given):
    client.force_login(given.operator)
    headers = auth(given.operator)
    chosen = {"merchant_id": given.shop.merchant.public_id}
    unknown = {"merchant_id": "mer_nosuchshop"}
    # when an operator lists every shop's, then the first shop's, then a shop
    # nobody has, on the API and the page
    every = client.get(OPERATOR_API, headers=headers).json()
    one = client.get(OPERATOR_API, chosen, headers=headers).json()
    page = client.get(OPERATOR_PAGE, chosen)
    refused = client.get(OPERATOR_API, unknown, headers=headers)
    refused_page = client.get(OPERATOR_PAGE, unknown)
    # then every shop's come newest first, each naming its shop, and the
    # filter keeps the one shop's
    assert [i["merchant_name"] for i in every["items"]] == [
        "Tea House",
        "Fresh Mart",
        "Fresh Mart",
    ]
    assert every["items"][0]["merchant_id"] == given.other_shop.merchant.public_id
    assert [i["serial"] for i in one["items"]] == [
        given.revoked.serial,
        given.redeemed.serial,
    ]
    assert page.status_code == 200
    assert page.text.count("<tr data-reason=") == 2
    assert "Tea House</td>" not in page.text
    # and an unknown shop is refused on its field, not read as every shop
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"merchant_id": ["No such shop."]}
    assert refused_page.status_code == 400
    assert 'id="conflicts-refusal"' in refused_page.text
    assert "No such shop." in refused_page.text


def test_other_shops_shoppers_and_visitors_are_refused(client, given):
    # given the other shop's owner, the revoked coupon's shopper and the
    # shop's own owner (for the operators' list)
    url, api = _shop_urls(given.shop.merchant)
    refused = {
        given.other_shop.owner: [(url, api), (OPERATOR_PAGE, OPERATOR_API)],
        given.revoked.shopper: [(url, api), (OPERATOR_PAGE, OPERATOR_API)],
        given.shop.owner: [(OPERATOR_PAGE, OPERATOR_API)],
    }
    for person, pairs in refused.items():
        client.force_login(person)
        for page, answer in pairs:
            # when they open the page and call its API
            statuses = (
                client.get(page).status_code,
                client.get(answer, headers=auth(person)).status_code,
            )
            # then both are refused
            assert statuses == (403, 403), (person, page)
    client.logout()
    for page, answer in ((url, api), (OPERATOR_PAGE, OPERATOR_API)):
        assert client.get(page).status_code == 302  # to sign in
        assert client.get(answer).status_code == 401
