"""The settlement statement lists its redemptions a page at a time (the
totals and the CSV count them all)."""

import re

import pytest

from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.coupons.tests.test_api import auth

pytestmark = pytest.mark.django_db


def _redeemed_one_unit_at_a_time(station, quantities) -> list:
    """Redeem each unit of coupons of ``quantities`` units on its own; return
    the coupons' serials."""
    orders = confirmed_orders(station.merchant, quantities=quantities)
    for order in orders:
        for _ in range(order.quantity):
            coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=coupon_for(order).code,
                quantity=1,
            )
    return [coupon_for(order).serial for order in orders]


def test_the_statement_api_pages_its_redemptions(client):
    # given 5 redemptions this month
    station = make_station()
    _redeemed_one_unit_at_a_time(station, (5,))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    # when the statement is asked for 2 a page, first and last page
    first = client.get(f"{url}?page_size=2", headers=auth(station.owner)).json()
    last = client.get(f"{url}?page_size=2&page=3", headers=auth(station.owner)).json()
    # then each page holds its redemptions, and the totals count all five
    assert len(first["redemptions"]) == 2 and len(last["redemptions"]) == 1
    assert first["redemptions_page"] == {
        "page": 1,
        "page_size": 2,
        "total": 5,
        "pages": 3,
    }
    assert first["redeemed_fen"] == last["redeemed_fen"] == 5 * 9_900
    assert sum(day["units"] for day in first["days"]) == 5


def test_the_statement_page_pages_its_redemptions_and_the_csv_holds_all(client):
    # given 21 redemptions this month (a page holds 20)
    station = make_station()
    serials = _redeemed_one_unit_at_a_time(station, (5, 5, 5, 5))
    serials += _redeemed_one_unit_at_a_time(station, (1,))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    # when the page and its second page are opened, and the CSV downloaded
    lines = re.compile(r'<ul class="list card" id="statement-lines">(.*?)</ul>', re.S)
    first = client.get(url).content.decode()
    second = client.get(f"{url}?redemptions_page=2").content.decode()
    csv = client.get(f"{url}?format=csv").content.decode()
    # then the pages list 20 and 1, with a link on to the next page
    assert lines.search(first).group(1).count('<li class="row">') == 20
    assert lines.search(second).group(1).count('<li class="row">') == 1
    assert 'id="redemptions_page-next"' in first
    # and the CSV has every one
    assert sum(csv.count(serial) for serial in serials) == 21


def test_the_statement_page_marks_its_own_tab_not_the_tills(client):
    # given an owner on their coupons' settlement statement
    station = make_station()
    client.force_login(station.owner)
    merchant_id = station.merchant.public_id
    # when the statement is opened
    page = client.get(f"/coupons/merchant/{merchant_id}/statement/").content.decode()
    # then the console's bar marks the statement's tab, and only it
    assert (
        f'<a href="/coupons/merchant/{merchant_id}/statement/" aria-current="page" '
        'id="merchant-nav-statement">' in page
    )
    assert page.count('aria-current="page"') == 1
    assert 'aria-current="page" id="merchant-nav-coupons"' not in page
    assert 'id="merchant-nav-coupons"' in page
