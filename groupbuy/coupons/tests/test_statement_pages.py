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


def _refunded_and_expired(station, count: int) -> tuple[list, list]:
    """Refund ``count`` coupons' unused units and expire ``count`` others
    (refunded to the shopper), in this month; return their serials."""
    from django.utils import timezone

    from groupbuy.coupons.models import CouponExpiry
    from groupbuy.coupons.services import coupon_refund_unused

    orders = confirmed_orders(station.merchant, quantities=(1,) * (2 * count))
    refunded, expired = [], []
    for order in orders[:count]:
        coupon = coupon_for(order)
        coupon_refund_unused(actor=order.shopper, coupon=coupon)
        refunded.append(coupon.serial)
    for order in orders[count:]:
        coupon = coupon_for(order)
        CouponExpiry.objects.create(
            coupon=coupon,
            rule="refund_shopper",
            quantity=1,
            amount_fen=coupon.unit_price_fen,
            outcome=CouponExpiry.Outcome.REFUNDED,
            settled_at=timezone.now(),
        )
        expired.append(coupon.serial)
    return refunded, expired


def test_the_statement_api_pages_its_refunds_and_expiries(client):
    # given 3 coupons refunded unused and 3 expired this month
    station = make_station()
    refunded, expired = _refunded_and_expired(station, 3)
    url = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    headers = auth(station.owner)
    # when the statement is asked for 2 a page: refunds' second page,
    # expiries' first
    body = client.get(
        f"{url}?page_size=2&refunds_page=2&expiries_page=1", headers=headers
    ).json()
    # then each list is one page of its own, saying where it sits
    assert [r["serial"] for r in body["refunds"]] == refunded[2:]
    assert body["refunds_page"] == {"page": 2, "page_size": 2, "total": 3, "pages": 2}
    assert [e["serial"] for e in body["expiries"]] == expired[:2]
    assert body["expiries_page"] == {"page": 1, "page_size": 2, "total": 3, "pages": 2}
    assert body["expiries"][0]["outcome"] == "refunded"
    assert body["expiries"][0]["amount_fen"] == 9_900
    assert body["expiries"][0]["taken_back_fen"] == 0
    # and past their last page, empty, as the redemptions' are
    past = client.get(f"{url}?page_size=2&refunds_page=9", headers=headers).json()
    assert past["refunds"] == [] and past["refunds_page"]["page"] == 9


def test_the_statement_page_pages_its_refunds_and_expiries(client):
    # given 21 coupons refunded unused and 21 expired this month (a page
    # holds 20)
    station = make_station()
    refunded, expired = _refunded_and_expired(station, 21)
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    refunds = re.compile(r'<ul class="list small" id="statement-refunds">(.*?)</ul>')
    expiries = re.compile(r'<ul class="list small" id="statement-expiries">(.*?)</ul>')
    # when the page is opened, then each list's second page
    first = client.get(url).content.decode()
    second = client.get(f"{url}?refunds_page=2&expiries_page=2").content.decode()
    # then each lists 20, then 1, with its own link on to its next page
    assert refunds.search(first).group(1).count("<li") == 20
    assert expiries.search(first).group(1).count("<li") == 20
    assert 'id="refunds_page-next"' in first
    assert 'id="expiries_page-next"' in first
    assert refunds.search(second).group(1).count("<li") == 1
    assert expiries.search(second).group(1).count("<li") == 1
    assert refunded[-1] in refunds.search(second).group(1)
    assert expired[-1] in expiries.search(second).group(1)
    # and the CSV still has every one
    csv = client.get(f"{url}?format=csv").content.decode()
    assert all(serial in csv for serial in refunded + expired)


def test_the_statement_page_pages_its_conflicts(client):
    from groupbuy.coupons.tests.factories import make_user
    from groupbuy.coupons.tests.test_batches import batch_from, upload

    # given a coupon redeemed online, then claimed 21 times more offline
    station = make_station(owner=make_user(preferred_language="en"))
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code
    )
    claims = [(coupon, f"n{number}", 1, 60) for number in range(21)]
    upload(station, batch_from(station, "till-1", *claims))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    conflicts = re.compile(r'id="statement-conflicts">(.*?)</ul>')
    # when the statement and the page its conflicts' "Next" link names are opened
    first = client.get(f"{url}?redemptions_page=1").content.decode()
    second = client.get(f"{url}?redemptions_page=1&conflicts_page=2").content.decode()
    # then they list 20 and 1, the link keeping the other list's page
    assert conflicts.search(first).group(1).count("<li>") == 20
    assert conflicts.search(second).group(1).count("<li>") == 1
    assert (
        'id="conflicts_page-next" href="?redemptions_page=1&amp;conflicts_page=2"'
        in first
    )
    # and another shop's owner is refused the statement
    other = make_station(owner=make_user(preferred_language="en"))
    client.force_login(other.owner)
    assert client.get(url).status_code in (403, 404)
