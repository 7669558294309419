"""The operator dashboard's money totals come from the per-minute job's rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.catalog.tests.factories import make_user
from groupbuy.core.errors import Forbidden
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.escrow import tasks
from groupbuy.escrow.ledger import balance_totals_by_kind
from groupbuy.escrow.models import LedgerKindTotal
from groupbuy.escrow.selectors import platform_money_overview


@pytest.fixture
def operator(db):
    return make_user(is_staff=True)


def test_first_overview_sums_once_then_reads_the_stored_totals(db, operator):
    # given
    join_and_pay(make_deal())
    # when
    first = platform_money_overview(user=operator)
    join_and_pay(make_deal())
    with CaptureQueriesContext(connection) as queries:
        stale = platform_money_overview(user=operator)
    # then: the second payment waits for the job; no query reads the accounts
    assert first["shopper_held_fen"] == 9_900
    assert stale["shopper_held_fen"] == 9_900
    assert stale["totals_computed_at"] == first["totals_computed_at"]
    assert not [q for q in queries if "escrow_ledgeraccount" in q["sql"]]


def test_the_job_brings_the_totals_up_to_date(db, operator):
    # given
    join_and_pay(make_deal())
    platform_money_overview(user=operator)
    join_and_pay(make_deal())
    # when
    tasks.ledger_kind_totals_refresh.call_local()
    overview = platform_money_overview(user=operator)
    # then
    assert overview["shopper_held_fen"] == 19_800
    assert {row.kind: row.balance_fen for row in LedgerKindTotal.objects.all()} == (
        balance_totals_by_kind()
    )
    assert sum(row.balance_fen for row in LedgerKindTotal.objects.all()) == 0


def test_overview_is_for_operators_only(db):
    with pytest.raises(Forbidden):
        platform_money_overview(user=make_user())
    assert not LedgerKindTotal.objects.exists()
