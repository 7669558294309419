"""The erasure page reads as many queries for many unused coupons as for one."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from groupbuy.coupons.models import Coupon, DealCouponTerms
from groupbuy.deals.services import deal_close, deal_settle
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
    pass_deadline,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

PAGE = "/account/data/erasure/"


def _coupon(shopper, merchant, *, refundable: bool) -> None:
    """A coupon of ``shopper``'s, unused, from a deal of its own."""
    deal = make_deal(merchant=merchant, stock=20, tiers=[(1, 900)])
    DealCouponTerms.objects.create(deal=deal, unused_refundable=refundable)
    join_and_pay(deal, shopper=shopper)
    with TestCase.captureOnCommitCallbacks(execute=True):
        deal_settle(deal=deal_close(deal=pass_deadline(deal)))


def _read(client) -> tuple[int, str]:
    client.get(PAGE)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_erasure_page_reads_as_many_queries_for_4_unused_coupons_as_for_2(client):
    # given a shopper with two unused coupons, one the shop refunds unused
    shopper = make_user(preferred_language="en")
    merchant = make_merchant()
    _coupon(shopper, merchant, refundable=True)
    _coupon(shopper, merchant, refundable=False)
    client.force_login(shopper)
    few, page = _read(client)
    assert "or refund it" in page and "or wait until it expires" in page
    # when they have twice as many (each coupon costs a whole group buy)
    _coupon(shopper, merchant, refundable=True)
    _coupon(shopper, merchant, refundable=False)
    many, page = _read(client)
    # then each is named, and the page reads the same number of queries
    assert Coupon.objects.filter(shopper=shopper).count() == 4
    assert page.count("or refund it") == 2
    assert page.count("or wait until it expires") == 2
    assert many == few
