"""A join reads and writes only what it needs: its query count is pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.deals.join_reads import deal_get_for_join
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def core_join_only(monkeypatch):
    """Count the core join: guards other apps register (teams: one query for
    "is this a team deal?") are budgeted by those apps, not here."""
    from groupbuy.deals import join_hooks

    monkeypatch.setattr(join_hooks, "_guards", [])


def test_a_join_takes_at_most_six_queries_and_updates_the_deal_last(pushes):
    # given an open deal, fetched the way the API fetches it (with its
    # merchant and product: the guards read both)
    shopper = make_user()
    deal = deal_get_for_join(user=shopper, deal_id=make_deal(stock=10).public_id)
    # when
    with CaptureQueriesContext(connection) as captured:
        deal_join(actor=shopper, deal=deal, quantity=2)
    # then
    sql = [query["sql"] for query in captured.captured_queries]
    statements = [s for s in sql if not s.upper().startswith(("SAVEPOINT", "RELEASE"))]
    # the payer's row lock (which an erasure waits for), the payment intent,
    # the order, their two audit entries and the deal's update. (Until
    # 2026-12-07 the deal was read without its merchant and product here, and
    # the guards' reads of them counted: nine, then ten when the switched-off
    # merchant guard came. The API reads them with the deal.)
    assert len(statements) <= 6
    deal_updates = [i for i, s in enumerate(sql) if s.startswith('UPDATE "deals_deal"')]
    assert len(deal_updates) == 1
    # every write but the commit comes before the deal's row is touched
    later = sql[deal_updates[0] + 1 :]
    assert not [s for s in later if s.startswith(("INSERT", "UPDATE", "SELECT"))]


def test_a_join_through_the_api_takes_at_most_twelve_queries(client, pushes):
    # given a shopper with an API token and an open deal
    from groupbuy.accounts.services import api_token_create

    deal = make_deal(stock=10)
    shopper = make_user()
    _token, secret = api_token_create(actor=shopper)
    # when
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/api/deals/{deal.public_id}/join",
            {"quantity": 1},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
    # then: the token (read, last used), the deal with its tiers and the
    # guards' answers, the shop's only branch (where the buyer collects: a deal
    # opens only at a shop with one), the join itself (seven: the payer's row
    # lock, the intent, the order, their audit rows, the stock, the branch's
    # lock, which a branch closing waits for), no read back
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in captured.captured_queries]
    # (the test's own transaction makes the join's a savepoint: not counted)
    statements = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 12, statements
    # the join guards (own staff, other apps' such as teams) are answered by
    # the deal's query, not by queries of their own
    guards = ('SELECT "accounts_merchantmembership"', 'SELECT 1 AS "a" FROM "teams_')
    assert not [s for s in statements if s.startswith(guards)]
    # no read counts the deal's orders (that would grow with a hot deal)
    reads = [s for s in statements if s.startswith("SELECT")]
    assert not [s for s in reads if 'FROM "deals_dealorder"' in s]
    # the intent is written without a savepoint of its own: one join, one
    savepoints = [s for s in sql if s.startswith("SAVEPOINT")]
    assert len(savepoints) <= 1
