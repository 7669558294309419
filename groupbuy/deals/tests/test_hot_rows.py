"""Money for unrelated deals moves without touching a common row.

Every UPDATE is a row lock on PostgreSQL: if the captures, refunds and releases
of two unrelated deals updated one same row (a platform-wide balance, say), all
money movement on the platform would queue on it.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.deals.services import deal_close, deal_order_cancel, deal_settle
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
    pass_deadline,
)

pytestmark = pytest.mark.django_db

UPDATE = re.compile(r'^UPDATE "(?P<table>\w+)" SET .*? WHERE (?P<where>.*)$', re.S)
# Columns that name one row: its key, or a unique public id, or a shard's pair.
ROW_KEY = re.compile(
    r'"(?P<column>id|public_id|account_id|shard)" = (?P<value>\d+|\'[^\']*\'|%s)'
)
ROW_KEY_IN = re.compile(r'"(?P<column>id)" IN \((?P<values>[^)]*)\)')


def _updated_rows(queries) -> set[tuple]:
    rows = set()
    for query in queries:
        match = UPDATE.match(query["sql"])
        if match is None:
            continue
        where = match["where"]
        keys = tuple(sorted(ROW_KEY.findall(where)))
        for found in ROW_KEY_IN.finditer(where):
            for value in found["values"].split(","):
                rows.add((match["table"], ((found["column"], value.strip()),)))
        if not keys and not ROW_KEY_IN.search(where):
            pytest.fail(f"an UPDATE that does not name its row: {query['sql']}")
        if keys:
            rows.add((match["table"], keys))
    return rows


def _capture_refund_release(deal) -> None:
    """Two paid orders, one cancelled (refunded), then close and settle."""
    join_and_pay(deal, shopper=make_user())
    join_and_pay(deal, shopper=make_user())
    leaving = join_and_pay(deal, shopper=make_user())
    deal_order_cancel(actor=leaving.shopper, order=leaving)
    pass_deadline(deal)
    deal_close(deal=deal)
    deal_settle(deal=deal)


def test_captures_refunds_and_releases_of_unrelated_deals_update_no_common_row():
    # given two deals of two merchants, and the platform accounts already in use
    first = make_deal(merchant=make_merchant(name="Tea House"), tiers=[(2, 9_900)])
    second = make_deal(merchant=make_merchant(name="Noodle Bar"), tiers=[(2, 9_900)])
    warm_up = make_deal(merchant=make_merchant(name="Warm Up"), tiers=[(1, 500)])
    _capture_refund_release(warm_up)
    # when each deal's shoppers pay, one cancels, and each deal closes and settles
    with CaptureQueriesContext(connection) as first_queries:
        _capture_refund_release(first)
    with CaptureQueriesContext(connection) as second_queries:
        _capture_refund_release(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("settled", "settled")
    # then money moved on both (held, payable, revenue, refunds) ...
    first_rows = _updated_rows(first_queries.captured_queries)
    second_rows = _updated_rows(second_queries.captured_queries)
    tables = {table for table, _key in first_rows}
    assert {"escrow_ledgeraccount", "escrow_ledgeraccountshard"} <= tables
    # ... and no row was updated by both
    assert first_rows & second_rows == set()
