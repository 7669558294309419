"""The merchant's payouts page and the operator's fees page read as many
queries for 20 rows as for 2."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.catalog.tests.factories import (
    make_merchant,
    make_merchant_member,
    make_user,
)
from groupbuy.escrow.tests.test_platform_fees import local, settle
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _pay

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _queries(client, url: str) -> int:
    client.get(url, headers={"accept-language": "en"})  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries)


def test_the_payouts_page_reads_as_many_queries_for_20_payouts_as_for_2(
    client, fake_alipay
):
    # given a shop paid out twice, read by its owner
    merchant = _merchant_with_payable(100_000)
    owner = make_user(preferred_language="en")
    make_merchant_member(merchant=merchant, user=owner)
    client.force_login(owner)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    for _n in range(2):
        _pay(merchant, 1_000)
    few = _queries(client, url)
    # when it is paid out eighteen times more
    for _n in range(18):
        _pay(merchant, 1_000)
    # then the page reads the same number of queries
    assert _queries(client, url) == few


def _fees_of(number: int) -> None:
    """``number`` shops, each with a fee taken on 2026-11-02."""
    for _n in range(number):
        settle(make_merchant(), 10_000, 200, local(date(2026, 11, 2)))


def test_the_fees_page_reads_as_many_queries_for_20_shops_as_for_2(client):
    # given two shops that paid fees in November
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    url = "/payments/operator/fees/?date_from=2026-11-01&date_to=2026-11-30"
    _fees_of(2)
    few = _queries(client, url)
    # when eighteen more did
    _fees_of(18)
    # then the page reads the same number of queries
    assert _queries(client, url) == few
