"""Daily reconciliation: WeChat Pay's trade bill (fake gateway) against the ledger."""

from __future__ import annotations

from datetime import datetime

import pytest

from groupbuy.escrow.models import LedgerTransaction
from groupbuy.escrow.providers import get_provider
from groupbuy.escrow.providers.wechat_bill import parse_trade_bill
from groupbuy.escrow.services import payment_intent_create, payment_refund
from groupbuy.escrow.tests.factories import make_user
from groupbuy.notify.models import Notification
from groupbuy.payments.models import StatementDifference
from groupbuy.payments.statements import BILL_ZONE, statements_reconcile
from groupbuy.payments.tests.fake_wechat import bill, bill_line

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/wechat/"


def _paid(client, gateway, amount_fen=9_900):
    payer = make_user()
    intent = payment_intent_create(
        actor=payer,
        payer=payer,
        amount_fen=amount_fen,
        purpose="test.purpose",
        reference="ref_1",
        description="tea",
        provider="wechat",
    )
    get_provider("wechat").pay_action(intent, device="desktop")
    order = gateway.pay(intent.public_id)
    body, headers = gateway.notification(gateway.transaction(order))
    client.post(NOTIFY, data=body, content_type="application/json", headers=headers)
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    return intent, order


def _yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def test_the_trade_bill_is_parsed_into_payments_and_refunds():
    text = bill(
        [
            bill_line(out_trade_no="pi_a", transaction_id="4200a", total_yuan="99.00"),
            bill_line(
                out_trade_no="pi_a",
                transaction_id="4200a",
                total_yuan="99.00",
                state="REFUND",
                refund=("5000r", "rf-1", "30.00"),
            ),
        ]
    )
    lines = parse_trade_bill(text)
    assert [(line.kind, line.out_trade_no, line.amount_fen) for line in lines] == [
        ("payment", "pi_a", 9_900),
        ("refund", "pi_a", 3_000),
    ]
    assert lines[1].out_refund_no == "rf-1"


def test_a_statement_with_planted_differences_is_reported_without_moving_money(
    client, fake_wechat, capture_calls, django_capture_on_commit_callbacks
):
    # given three captured payments, one partly refunded, and an operator
    operator = make_user(is_staff=True)
    matching, matching_order = _paid(client, fake_wechat, 9_900)
    changed, changed_order = _paid(client, fake_wechat, 5_000)
    forgotten, _ = _paid(client, fake_wechat, 7_000)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(
            actor=None, intent=matching, amount_fen=3_000, idempotency_key="rf-s1"
        )
    # and a bill: one line as ours, one with another amount, one unknown trade,
    # our refund; the third payment is missing
    fake_wechat.bill_text = bill(
        [
            bill_line(
                out_trade_no=matching.public_id,
                transaction_id=matching_order.transaction_id,
                total_yuan="99.00",
            ),
            bill_line(
                out_trade_no=changed.public_id,
                transaction_id=changed_order.transaction_id,
                total_yuan="49.00",
            ),
            bill_line(
                out_trade_no="pi_notours", transaction_id="42009", total_yuan="1.00"
            ),
            bill_line(
                out_trade_no=matching.public_id,
                transaction_id=matching_order.transaction_id,
                total_yuan="99.00",
                state="REFUND",
                refund=("5000x", "rf-s1", "30.00"),
            ),
        ]
    )
    postings = LedgerTransaction.objects.count()
    today = datetime.now(BILL_ZONE).date()
    # when
    result = statements_reconcile(day=today)
    # then exactly the planted differences are reported
    assert result == {"wechat": 3}
    found = {
        (d.kind, d.line_kind, d.reference, d.ledger_fen, d.provider_fen)
        for d in StatementDifference.objects.all()
    }
    assert found == {
        ("amount_mismatch", "payment", changed.public_id, 5_000, 4_900),
        ("missing_in_ledger", "payment", "pi_notours", None, 100),
        ("missing_at_provider", "payment", forgotten.public_id, 7_000, None),
    }
    assert (
        Notification.objects.filter(
            recipient=operator, kind="payments.statement.differences"
        ).count()
        == 1
    )
    assert LedgerTransaction.objects.count() == postings
    # and running it again adds nothing
    statements_reconcile(day=today)
    assert StatementDifference.objects.count() == 3
    assert Notification.objects.filter(recipient=operator).count() == 1


def test_alipay_trade_bill_differences_are_reported(
    client, fake_alipay, capture_calls, django_capture_on_commit_callbacks
):
    from groupbuy.payments.tests.test_alipay import _paid_intent

    # given two captured payments, one refunded in part, and a bill that lacks one
    first = _paid_intent(client, fake_alipay, make_user(), amount_fen=10_000)
    second = _paid_intent(client, fake_alipay, make_user(), amount_fen=2_000)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(
            actor=None, intent=first, amount_fen=2_500, idempotency_key="rf-a1"
        )
    del fake_alipay.trades[second.public_id]  # planted: Alipay has no such line
    # when
    result = statements_reconcile(day=datetime.now(BILL_ZONE).date())
    # then the refund and the first payment match; the second is reported
    assert result == {"alipay": 1}
    difference = StatementDifference.objects.get()
    assert (difference.kind, difference.reference) == (
        "missing_at_provider",
        second.public_id,
    )
