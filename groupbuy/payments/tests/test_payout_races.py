"""Races: one payout approval sent twice at the same moment (two clicks, two
tabs, a client's retry) pays once; two daily runs at once pay once."""

from __future__ import annotations

import pytest

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout
from groupbuy.payments.payouts import payout_create, payouts_schedule_run
from groupbuy.payments.tests.test_payout_schedule import _schedule
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _payable


@pytest.mark.django_db(transaction=True)
def test_one_approval_sent_four_times_at_once_pays_once(
    file_database,  # noqa: F811
    fake_alipay,
):
    # given a merchant owed ¥500 and an operator's payout form with its key
    merchant = _merchant_with_payable(50_000)
    operator = make_user(is_staff=True)
    made = []

    def approve():
        made.append(
            payout_create(
                actor=operator,
                merchant=merchant,
                amount_fen=20_000,
                provider_name="alipay",
                payee_account="merchant@example.com",
                idempotency_key="form-key-1",
            ).public_id
        )

    # when the same approval arrives four times at the same moment
    outcomes = race([approve] * 4)
    # then every one is answered with the one payout, and ¥200 left the payable
    assert outcomes == {"ok": 4}
    assert Payout.objects.count() == 1
    assert set(made) == {Payout.objects.get().public_id}
    assert _payable(merchant) == 30_000


@pytest.mark.django_db(transaction=True)
def test_two_daily_runs_at_once_pay_the_payable_once(
    file_database,  # noqa: F811
    fake_alipay,
):
    merchant = _merchant_with_payable(25_000)
    _schedule(merchant)
    outcomes = race([payouts_schedule_run] * 3)
    assert outcomes == {"ok": 3}
    assert list(Payout.objects.values_list("amount_fen", flat=True)) == [25_000]
    assert _payable(merchant) == 0
