"""Merchant payouts by WeChat Pay's 商家转账 (fake API v3): paid, waiting for the
payee to confirm then paid, failed (money back), refused, asked once per bill."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.escrow import ledger
from groupbuy.payments.models import Payout
from groupbuy.payments.payouts import payout_create, payouts_retry_due
from groupbuy.payments.tests.test_payouts import (
    _merchant_with_payable,
    _operator,
    _payable,
)

pytestmark = pytest.mark.django_db

OPENID = "o-MYE42l80oelYMDE34nYD456Xoy"


def _pay(merchant, amount_fen, payee=OPENID):
    return payout_create(
        actor=_operator(),
        merchant=merchant,
        amount_fen=amount_fen,
        provider_name="wechat",
        payee_account=payee,
        payee_name="王小明",
    )


def _clearing() -> int:
    return ledger.account_balance_fen(ledger.system_account(kind="gateway_clearing"))


def test_a_payout_is_paid_to_the_payees_wechat_change(
    fake_wechat, django_capture_on_commit_callbacks
):
    merchant = _merchant_with_payable(50_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 30_000)
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    bill = fake_wechat.transfers[payout.business_number]
    assert (bill["openid"], bill["transfer_amount"]) == (OPENID, 30_000)
    assert payout.provider_reference == bill["transfer_bill_no"]
    assert (_payable(merchant), _clearing()) == (20_000, 0)


def test_a_payout_waiting_for_the_payee_is_asked_about_until_paid_never_resent(
    fake_wechat, django_capture_on_commit_callbacks
):
    # given WeChat accepts the transfer but waits for the payee to confirm it
    merchant = _merchant_with_payable(50_000)
    fake_wechat.transfer_outcome = "WAIT_USER_CONFIRM"
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 10_000)
    payout.refresh_from_db()
    assert payout.status == "pending" and "WAIT_USER_CONFIRM" in payout.last_error
    assert _payable(merchant) == 40_000  # held in clearing meanwhile
    # when the payee confirms and the retry job asks again
    fake_wechat.transfers[payout.business_number]["state"] = "SUCCESS"
    assert payouts_retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    # then it is paid, from the one bill WeChat has
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    created = [
        path
        for method, path, _data in fake_wechat.requests
        if method == "POST" and "transfer-bills" in path
    ]
    assert len(created) == 1


@pytest.mark.parametrize("outcome", ["FAIL", "OPENID_INVALID"])
def test_a_failed_or_refused_transfer_returns_the_money_and_says_why(
    fake_wechat, django_capture_on_commit_callbacks, outcome
):
    merchant = _merchant_with_payable(50_000)
    fake_wechat.transfer_outcome = outcome
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 30_000)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert outcome in payout.failure_reason
    assert (_payable(merchant), _clearing()) == (50_000, 0)
