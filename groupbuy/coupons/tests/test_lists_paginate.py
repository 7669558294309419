"""The coupon console's and the API's lists are paged, not cut off: today's
redemptions (cut at 100), offline conflicts (50 on the page, 200 in the API),
uploaded batches (the last 10), the deals whose expiry rule the merchant sets
(the latest 10) and a shopper's coupons (every one at once, on the page until
2026-12-07)."""

from __future__ import annotations

import re

import pytest

from groupbuy.coupons.models import Coupon
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.coupons.tests.test_api import auth
from groupbuy.coupons.tests.test_batches import batch_from, upload
from groupbuy.deals.tests.factories import make_deal

pytestmark = pytest.mark.django_db


def _coupons(station, count: int) -> list[Coupon]:
    orders = confirmed_orders(station.merchant, quantities=(1,) * count)
    return [coupon_for(order) for order in orders]


def _listed(client, url: str, list_id: str) -> int:
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(
        rf'<ul[^>]*id="{list_id}">(.*?)</ul>', page.content.decode(), re.S
    )
    return match[1].count("<li") if match else 0


def test_todays_redemptions_are_paged_on_the_console_and_in_the_api(client):
    station = make_station()
    for coupon in _coupons(station, 21):
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    client.force_login(station.owner)
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    assert _listed(client, console, "redemptions") == 20
    assert _listed(client, console + "?redemptions_page=2", "redemptions") == 1
    api = f"/api/coupons/merchants/{station.merchant.public_id}/redemptions"
    body = client.get(api + "?page=2", headers=auth(station.owner)).json()
    assert (len(body["items"]), body["total"], body["pages"]) == (1, 21, 2)


def test_conflicts_and_uploaded_batches_are_paged(client):
    station = make_station()
    (coupon,) = _coupons(station, 1)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code
    )
    # eleven tills each upload two claims on the coupon already redeemed online
    for till in range(11):
        claims = [(coupon, f"n{till}-{i}", 1, 60) for i in range(2)]
        upload(station, batch_from(station, f"till-{till}", *claims))
    client.force_login(station.owner)
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    assert _listed(client, console, "conflicts") == 20
    assert _listed(client, console + "?conflicts_page=2", "conflicts") == 2
    assert _listed(client, console, "batches") == 10
    assert _listed(client, console + "?batches_page=2", "batches") == 1
    api = f"/api/coupons/merchants/{station.merchant.public_id}/conflicts"
    body = client.get(api + "?page_size=100", headers=auth(station.owner)).json()
    assert (len(body["items"]), body["total"]) == (22, 22)


def test_every_deals_expiry_rule_can_be_reached(client):
    from datetime import timedelta

    from groupbuy.accounts.services import merchant_membership_add
    from groupbuy.coupons.services import deal_coupon_terms_set
    from groupbuy.coupons.tests.factories import make_user

    station = make_station()
    deals = [
        make_deal(
            merchant=station.merchant,
            title=f"Deal closing in {days} days",
            deadline_in=timedelta(days=days),
        )
        for days in range(1, 22)
    ]
    # the deal closing soonest is listed last, on the third page (ten a page,
    # as the batches: the till's own tools come first on a cashier's phone)
    deal_coupon_terms_set(
        actor=station.owner, deal=deals[0], expiry_rule="pay_merchant"
    )
    client.force_login(station.owner)
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    assert _listed(client, console, "deal-terms") == 10
    assert _listed(client, console + "?deals_page=2", "deal-terms") == 10
    assert _listed(client, console + "?deals_page=3", "deal-terms") == 1
    assert 'id="deals_page-next"' in client.get(console).content.decode()
    last = client.get(console + "?deals_page=3").content.decode()
    assert "Deal closing in 1 days" in last
    assert re.search(r'<option value="pay_merchant" *selected', last)
    # a cashier reads the rule without the owner's form
    cashier = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    client.force_login(cashier)
    last = client.get(console + "?deals_page=3").content.decode()
    assert re.search(r'<span class="muted">Pay the merchant</span>', last)


def test_my_coupons_are_paged_in_the_api(client):
    station = make_station()
    coupons = _coupons(station, 3)
    shopper = coupons[0].shopper
    Coupon.objects.filter(pk__in=[c.pk for c in coupons]).update(shopper=shopper)
    first = client.get("/api/coupons/mine?page_size=2", headers=auth(shopper)).json()
    second = client.get(
        "/api/coupons/mine?page_size=2&page=2", headers=auth(shopper)
    ).json()
    listed = [c["coupon_id"] for c in first["items"] + second["items"]]
    assert sorted(listed) == sorted(c.public_id for c in coupons)
    assert (first["total"], first["pages"]) == (3, 2)


def test_my_coupons_page_is_paged_and_shows_no_one_else_the_coupons(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupbuy.coupons.tests.factories import make_user

    # given a shopper with 21 coupons, one more than a page
    station = make_station()
    coupons = _coupons(station, 21)
    shopper = coupons[0].shopper
    Coupon.objects.filter(pk__in=[c.pk for c in coupons]).update(shopper=shopper)
    client.force_login(shopper)
    # when they open "My coupons" and follow its "Next" link
    first = client.get("/coupons/", headers={"accept-language": "en"})
    with CaptureQueriesContext(connection) as first_queries:
        client.get("/coupons/", headers={"accept-language": "en"})
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/coupons/?page=2", headers={"accept-language": "en"})
    # then the first page lists 20 newest first, the second the oldest, each
    # in as many queries
    assert _listed(client, "/coupons/", "coupon-list") == 20
    assert 'id="page-next" href="?page=2"' in first.content.decode()
    second_page = second.content.decode()
    assert f"coupon-{coupons[0].public_id}" in second_page
    assert second_page.count('class="row" id="coupon-') == 1
    assert len(second_queries) == len(first_queries)
    # and another shopper and the shop's owner see none of them there
    for other in (make_user(preferred_language="en"), station.owner):
        client.force_login(other)
        assert _listed(client, "/coupons/", "coupon-list") == 1  # the empty row
        assert (
            "coupon-" + coupons[0].public_id
            not in client.get("/coupons/?page=2").content.decode()
        )
