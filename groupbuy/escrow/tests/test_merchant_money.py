"""A merchant's money over a period: opening balance, lines, closing balance."""

from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.core.errors import DomainError
from groupbuy.escrow import ledger
from groupbuy.escrow.merchant_money import (
    merchant_daily_balances,
    merchant_money_for_period,
)
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = date(2026, 10, 1)
_keys = count()


def _post(merchant, amount_fen: int, at: datetime) -> None:
    """Move ``amount_fen`` into (or, negative, out of) the merchant's payable,
    posted at ``at``."""
    key = f"test.money:{next(_keys)}"
    posting = ledger.ledger_post(
        kind="test.money",
        idempotency_key=key,
        entries=[
            (ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL), -amount_fen),
            (ledger.merchant_payable_account(merchant=merchant), amount_fen),
        ],
    )
    LedgerTransaction.objects.filter(pk=posting.pk).update(created_at=at)


def _local(day: date, seconds: int) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI) + timedelta(seconds=seconds)


def _all_lines(owner, merchant, date_from, date_to) -> list:
    lines, page = [], 1
    while True:
        period = merchant_money_for_period(
            user=owner,
            merchant=merchant,
            date_from=date_from,
            date_to=date_to,
            page=page,
            page_size=7,
        )
        lines += period.lines.items
        if page >= period.lines.pages:
            return period, lines
        page += 1


# Activity: (day from FIRST, second of that day in Shanghai, amount): seconds
# near either end of the day, where UTC and Shanghai disagree on the date.
activity = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.sampled_from([0, 1, 8 * 3600 - 1, 8 * 3600, 16 * 3600, 86_399]),
        st.integers(1, 50_000),
    ),
    max_size=25,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(activity=activity, first=st.integers(0, 60), length=st.integers(0, 40))
def test_closing_is_opening_plus_the_lines_over_any_activity(activity, first, length):
    # given a merchant's payable moved in and out on random days (a payout
    # takes at most what the balance holds)
    membership = make_merchant_member()
    owner, merchant = membership.user, membership.merchant
    balance, moves = 0, []
    for days, seconds, amount in activity:
        amount = amount if len(moves) % 3 != 2 else -min(amount, balance)
        if amount == 0:
            continue
        balance += amount
        at = _local(FIRST + timedelta(days=days), seconds)
        _post(merchant, amount, at)
        moves.append((at.date(), amount))
    date_from = FIRST + timedelta(days=first)
    date_to = date_from + timedelta(days=length)
    # when the owner reads that period, every page of it
    period, lines = _all_lines(owner, merchant, date_from, date_to)
    # then the closing balance is the opening plus the lines, and each is
    # what the activity before that edge (in Shanghai days) adds up to
    assert period.closing_fen == period.opening_fen + sum(
        line.amount_fen for line in lines
    )
    assert period.opening_fen == sum(a for day, a in moves if day < date_from)
    assert period.closing_fen == sum(a for day, a in moves if day <= date_to)
    assert len(lines) == sum(1 for day, _a in moves if date_from <= day <= date_to)
    assert len({line.transaction_id for line in lines}) == len(lines)
    # and the whole history closes at the balance, having opened at nothing
    everything, all_lines = _all_lines(owner, merchant, None, None)
    assert (everything.opening_fen, everything.closing_fen) == (0, balance)
    assert sum(line.amount_fen for line in all_lines) == balance


def test_a_period_reversed_too_long_or_off_the_calendar_is_refused_on_its_field():
    membership = make_merchant_member()
    cases = [
        (date(2026, 11, 30), date(2026, 11, 1), "date_to"),
        (date(2025, 11, 30), date(2026, 12, 1), "date_from"),  # 367 days
        (date(1, 1, 1), date(2026, 12, 1), "date_from"),
    ]
    for date_from, date_to, field in cases:
        with pytest.raises(DomainError) as refusal:
            merchant_money_for_period(
                user=membership.user,
                merchant=membership.merchant,
                date_from=date_from,
                date_to=date_to,
            )
        assert refusal.value.code == "invalid_date"
        assert list(refusal.value.fields) == [field]
    # a year and a day of a leap year is the most
    merchant_money_for_period(
        user=membership.user,
        merchant=membership.merchant,
        date_from=date(2027, 12, 1),
        date_to=date(2028, 11, 30),
    )


def test_a_lone_day_makes_a_period_of_its_month_or_to_today():
    membership = make_merchant_member()
    period = merchant_money_for_period(
        user=membership.user,
        merchant=membership.merchant,
        date_from=None,
        date_to=date(2026, 11, 20),
    )
    assert (period.date_from, period.date_to) == (date(2026, 11, 1), date(2026, 11, 20))


def _get(client, url, user, **params):
    _token, secret = api_token_create(actor=user)
    return client.get(url, params, headers={"Authorization": f"Bearer {secret}"})


def test_the_api_gives_the_periods_balances_and_refuses_a_bad_period(client):
    # given a merchant paid 100.00 on Oct 31 and 50.00 on Nov 2, then paid
    # out 30.00 on Nov 3 (Shanghai days), and an owner reading English
    membership = make_merchant_member(user=make_user(preferred_language="en"))
    owner, merchant = membership.user, membership.merchant
    _post(merchant, 10_000, _local(date(2026, 10, 31), 86_399))
    _post(merchant, 5_000, _local(date(2026, 11, 2), 0))
    _post(merchant, -3_000, _local(date(2026, 11, 3), 3600))
    url = f"/api/escrow/merchants/{merchant.public_id}/money"
    # when it asks for November, and for days it cannot have
    body = _get(client, url, owner, date_from="2026-11-01", date_to="2026-11-30")
    reversed_days = _get(
        client, url, owner, date_from="2026-11-30", date_to="2026-11-01"
    )
    unreadable = _get(client, url, owner, date_from="2026-11-31")
    # then November opens at 100.00 and closes at 120.00, its two lines between
    assert body.status_code == 200
    answer = body.json()
    assert {k: answer[k] for k in ("payable_fen", "opening_fen", "closing_fen")} == {
        "payable_fen": 12_000,
        "opening_fen": 10_000,
        "closing_fen": 12_000,
    }
    assert (answer["date_from"], answer["date_to"]) == ("2026-11-01", "2026-11-30")
    # with the balance each day closed on, as the money page's chart
    assert len(answer["days"]) == 30
    assert answer["days"][:3] == [
        {"day": "2026-11-01", "closing_fen": 10_000},
        {"day": "2026-11-02", "closing_fen": 15_000},
        {"day": "2026-11-03", "closing_fen": 12_000},
    ]
    assert answer["days"][-1] == {"day": "2026-11-30", "closing_fen": 12_000}
    assert [line["amount_fen"] for line in answer["lines"]["items"]] == [
        -3_000,
        5_000,
    ]
    assert reversed_days.status_code == 400
    assert reversed_days.json()["fields"] == {
        "date_to": ["The end date is before the start date."]
    }
    # a day it cannot read is a 400 on its field, as on the money page (it was
    # a 422 from the query's own parsing until 2026-12-06)
    assert unreadable.status_code == 400
    assert unreadable.json() == {
        "code": "invalid_date",
        "message": "date_from: Enter a valid date.",
        "fields": {"date_from": ["Enter a valid date."]},
    }
    # and without days it answers the whole history, as before
    whole = _get(client, url, owner).json()
    assert (whole["opening_fen"], whole["closing_fen"], whole["date_from"]) == (
        0,
        12_000,
        None,
    )
    assert whole["lines"]["total"] == 3
    assert whole["days"] == []


def test_the_periods_money_is_refused_to_cashiers_and_other_merchants(client):
    membership = make_merchant_member()
    merchant = membership.merchant
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    other_owner = make_merchant_member().user
    shopper = make_user()
    url = f"/api/escrow/merchants/{merchant.public_id}/money"
    for user in (cashier, other_owner, shopper):
        response = _get(client, url, user, date_from="2026-11-01", date_to="2026-11-30")
        assert response.status_code == 403
        assert "opening_fen" not in response.json()
        # whatever the days: whose money it is is asked first
        unreadable = _get(client, url, user, date_from="2026-11-31")
        assert unreadable.status_code == 403


def test_each_days_balance_runs_from_the_opening_to_the_closing():
    # given money in before the period, and moves on its first and third days,
    # one at 00:00:01 in Shanghai (the day before, in UTC)
    member = make_merchant_member()
    owner, merchant = member.user, member.merchant
    _post(merchant, 10_000, _local(FIRST - timedelta(days=1), 3_600))
    _post(merchant, 2_500, _local(FIRST, 1))
    _post(merchant, -4_000, _local(FIRST + timedelta(days=2), 86_399))
    _post(merchant, 999, _local(FIRST + timedelta(days=4), 0))  # after the period
    period = merchant_money_for_period(
        user=owner, merchant=merchant, date_from=FIRST, date_to=FIRST + timedelta(2)
    )
    # when its days' balances are asked for
    balances = merchant_daily_balances(user=owner, merchant=merchant, period=period)
    # then each day ends on the balance of everything posted until then
    assert balances == [
        (FIRST, 12_500),
        (FIRST + timedelta(days=1), 12_500),
        (FIRST + timedelta(days=2), 8_500),
    ]
    assert balances[-1][1] == period.closing_fen
    # and someone who is not the shop's owner (nor an operator) may not see them
    with pytest.raises(DomainError):
        merchant_daily_balances(user=make_user(), merchant=merchant, period=period)
