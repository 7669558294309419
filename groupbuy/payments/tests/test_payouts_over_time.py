"""What reached a shop's account per week (a month for a long period): the
payouts page's chart and the API's series, for the shop's owners only."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from groupbuy.catalog.tests.factories import make_merchant, make_merchant_member
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout
from groupbuy.payments.selectors import payouts_paid_over_time
from groupbuy.payments.tests.test_api import _auth

pytestmark = pytest.mark.django_db

Status = Payout.Status


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(
        day, time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _payout(merchant, amount_fen, *, paid_at, status=Status.SUCCEEDED):
    payout = Payout.objects.create(
        merchant=merchant,
        amount_fen=amount_fen,
        provider="alipay",
        payee_account="shop@example.com",
        business_number=f"bn-{Payout.objects.count()}",
        status=status,
        confirmed_at=paid_at if status == Status.SUCCEEDED else None,
    )
    Payout.objects.filter(pk=payout.pk).update(created_at=paid_at)
    return payout


def _shop_paid_over_three_weeks():
    """Payouts from Wednesday 2026-11-04 to Friday 2026-11-20 (weeks start on
    Monday), and those the chart must not count."""
    owner = make_merchant_member(role="owner", user=make_user(preferred_language="en"))
    merchant = owner.merchant
    _payout(merchant, 10_000, paid_at=_local(date(2026, 11, 4), 9))
    _payout(merchant, 2_500, paid_at=_local(date(2026, 11, 8), 23, 59))
    # just after local midnight: Monday 11-09 in the shop's time, the 8th in UTC
    _payout(merchant, 30_000, paid_at=_local(date(2026, 11, 9), 0, 30))
    _payout(merchant, 7_000, paid_at=_local(date(2026, 11, 20), 18))
    # not paid: refused, still on its way; paid before the period; another shop's
    _payout(merchant, 99_000, paid_at=_local(date(2026, 11, 10), 9), status="failed")
    _payout(merchant, 88_000, paid_at=_local(date(2026, 11, 11), 9), status="pending")
    _payout(merchant, 77_000, paid_at=_local(date(2026, 11, 3), 23, 59))
    _payout(make_merchant(), 66_000, paid_at=_local(date(2026, 11, 5), 9))
    return owner.user, merchant


def _paid(owner, merchant, date_from, date_to):
    return payouts_paid_over_time(
        user=owner, merchant=merchant, date_from=date_from, date_to=date_to
    )


def test_the_payouts_paid_are_summed_a_week_at_a_time():
    # given three weeks of payouts
    owner, merchant = _shop_paid_over_three_weeks()
    # when the owner reads 11-04 (a Wednesday) to 11-20
    paid = _paid(owner, merchant, date(2026, 11, 4), date(2026, 11, 20))
    # then each week from its first day in the period, the paid ones only
    assert paid.unit == "week"
    assert [(p.start, p.end, p.amount_fen, p.payouts) for p in paid.periods] == [
        (date(2026, 11, 4), date(2026, 11, 8), 12_500, 2),
        (date(2026, 11, 9), date(2026, 11, 15), 30_000, 1),
        (date(2026, 11, 16), date(2026, 11, 20), 7_000, 1),
    ]
    assert paid.total_fen == 49_500


def test_a_long_period_is_summed_a_month_at_a_time():
    owner, merchant = _shop_paid_over_three_weeks()
    paid = _paid(owner, merchant, date(2026, 9, 15), date(2026, 12, 31))
    assert paid.unit == "month"
    assert [(p.start, p.end, p.amount_fen) for p in paid.periods] == [
        (date(2026, 9, 15), date(2026, 9, 30), 0),
        (date(2026, 10, 1), date(2026, 10, 31), 0),
        (date(2026, 11, 1), date(2026, 11, 30), 77_000 + 49_500),
        (date(2026, 12, 1), date(2026, 12, 31), 0),
    ]


def test_the_payouts_page_charts_the_weeks_with_their_figures(client):
    # given
    owner, merchant = _shop_paid_over_three_weeks()
    client.force_login(owner)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    # when the owner chooses the period
    page = client.get(url, {"date_from": "2026-11-04", "date_to": "2026-11-20"})
    # then the chart's table gives each week's amount
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="payouts-chart"' in html
    assert '<th scope="row">11-09</th><td>¥300.00</td>' in html
    # and a reversed period is said on its field, with no chart
    reversed_period = client.get(
        url, {"date_from": "2026-11-20", "date_to": "2026-11-04"}
    )
    assert reversed_period.status_code == 400
    assert "The end date is before the start date." in reversed_period.content.decode()
    assert 'id="payouts-chart"' not in reversed_period.content.decode()


def test_the_api_gives_the_same_series_to_the_shops_owners_only(client):
    # given the shop's owner, its cashier, another shop's owner and a shopper
    owner, merchant = _shop_paid_over_three_weeks()
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    other_owner = make_merchant_member(role="owner").user
    url = f"/api/payments/merchants/{merchant.public_id}/payouts/summary"
    period = {"date_from": "2026-11-04", "date_to": "2026-11-20"}
    # when the owner asks
    answer = client.get(url, period, headers=_auth(owner)).json()
    # then
    assert (answer["unit"], answer["total_fen"]) == ("week", 49_500)
    assert answer["periods"][1] == {
        "start": "2026-11-09",
        "end": "2026-11-15",
        "amount_fen": 30_000,
        "payouts": 1,
    }
    # and anyone else is refused, as the shop's payouts are
    for outsider in (cashier, other_owner, make_user()):
        refused = client.get(url, period, headers=_auth(outsider))
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert client.get(url, period).status_code == 401
    unknown = "/api/payments/merchants/mer_none/payouts/summary"
    assert client.get(unknown, headers=_auth(owner)).status_code == 404
    # and a reversed period is a 400 on its parameter
    bad = client.get(
        url, {"date_from": "2026-11-20", "date_to": "2026-11-04"}, headers=_auth(owner)
    )
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["date_to"])
