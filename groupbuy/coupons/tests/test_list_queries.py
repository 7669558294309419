"""The till's "Redeemed today" and the statement read as many queries for 6
redeemed coupons, of several deals, as for 2 (an N+1 shows as well with 6 as
with 20, and each coupon costs a whole group buy to make)."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _redeem_coupons(station, *, deals: int, coupons: int) -> None:
    """Redeem one unit each of ``coupons`` coupons of each of ``deals`` deals."""
    for _deal in range(deals):
        for order in confirmed_orders(station.merchant, quantities=(2,) * coupons):
            with TestCase.captureOnCommitCallbacks(execute=True):
                coupon_redeem_online(
                    actor=station.owner,
                    merchant=station.merchant,
                    code=coupon_for(order).code,
                )


def _read(client, url: str) -> tuple[int, str]:
    client.get(url, headers={"accept-language": "en"})  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_till_and_statement_read_as_many_queries_for_6_coupons_as_for_2(
    client,
):
    # given a shop that redeemed two coupons of two deals today
    station = make_station(owner=make_user(preferred_language="en"))
    client.force_login(station.owner)
    till = f"/coupons/merchant/{station.merchant.public_id}/"
    statement = f"{till}statement/"
    _redeem_coupons(station, deals=2, coupons=1)
    few = {url: _read(client, url) for url in (till, statement)}
    assert few[till][1].count("1 left") == 2
    # when it redeems four more, two of each of two more deals
    _redeem_coupons(station, deals=2, coupons=2)
    many = {url: _read(client, url) for url in (till, statement)}
    # then the till lists all six, and each page reads the same number of
    # queries
    assert many[till][1].count("1 left") == 6
    assert {url: count for url, (count, _page) in many.items()} == {
        url: count for url, (count, _page) in few.items()
    }


def test_my_coupons_reads_as_many_queries_for_5_coupons_as_for_2(client):
    # given a shopper with two coupons of two deals
    from groupbuy.coupons.tests.test_erasure_blocker_queries import _coupon

    shopper = make_user(preferred_language="en")
    station = make_station()
    client.force_login(shopper)
    for refundable in (True, False):
        _coupon(shopper, station.merchant, refundable=refundable)
    few, _page = _read(client, "/coupons/")
    # when they hold three more, of three more deals
    for index in range(3):
        _coupon(shopper, station.merchant, refundable=index % 2 == 0)
    many, _page = _read(client, "/coupons/")
    # then the list reads the same number of queries
    assert many == few


def test_the_statement_reads_as_many_queries_for_5_refunds_and_expiries_as_for_2(
    client,
):
    # given a shop with two coupons refunded unused and two expired this month
    from groupbuy.coupons.tests.test_statement_pages import _refunded_and_expired

    station = make_station(owner=make_user(preferred_language="en"))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    _refunded_and_expired(station, 2)
    few, _page = _read(client, url)
    # when three more of each
    refunded, expired = _refunded_and_expired(station, 3)
    many, page = _read(client, url)
    # then the page lists them, in the same number of queries
    assert all(serial in page for serial in refunded + expired)
    assert many == few
