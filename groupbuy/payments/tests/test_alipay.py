"""Alipay through the fake gateway: cashier URLs, notifications, query, refunds,
closing. The SDK's own signing and verification run unmodified."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from groupbuy.core.audit import AuditEntry
from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    ProviderEvent,
    Refund,
)
from groupbuy.escrow.providers import get_provider
from groupbuy.escrow.providers.alipay import fen_to_yuan, yuan_to_fen
from groupbuy.escrow.reconcile import payments_reconcile
from groupbuy.escrow.refunds import refunds_retry_due
from groupbuy.escrow.services import (
    payment_intent_cancel,
    payment_intent_create,
    payment_refund,
)
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.tests.fake_alipay import SELLER_ID, KeyPair

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/alipay/"


def _intent(payer, amount_fen=9_900):
    return payment_intent_create(
        actor=payer,
        payer=payer,
        amount_fen=amount_fen,
        purpose="test.purpose",
        reference="ref_1",
        description="2 × Jasmine tea",
        return_url="/orders/1/",
        provider="alipay",
    )


def _opened(gateway, intent, device="desktop"):
    action = get_provider("alipay").pay_action(intent, device=device)
    return gateway.open_cashier(action.url)


def _post(client, body):
    return client.post(
        NOTIFY, data=body, content_type="application/x-www-form-urlencoded"
    )


def _held(user):
    account = LedgerAccount.objects.filter(kind="shopper_held", user=user).first()
    return account.balance_fen if account else 0


def _paid_intent(client, gateway, payer, amount_fen=9_900):
    intent = _intent(payer, amount_fen)
    _opened(gateway, intent)
    gateway.pay(intent.public_id)
    assert _post(client, gateway.notification(intent.public_id)).content == b"success"
    intent.refresh_from_db()
    return intent


def test_amounts_convert_between_fen_and_yuan_exactly():
    assert fen_to_yuan(9_900) == "99.00"
    assert fen_to_yuan(5) == "0.05"
    assert yuan_to_fen("99.00") == 9_900
    assert yuan_to_fen("0.05") == 5
    with pytest.raises(ValueError):
        yuan_to_fen("0.001")


def test_desktop_gets_page_pay_and_phone_gets_wap_pay(fake_alipay):
    # given
    intent = _intent(make_user(), amount_fen=12_345)
    # when
    desktop = _opened(fake_alipay, intent, "desktop")
    phone_url = get_provider("alipay").pay_action(intent, device="phone").url
    phone = dict(parse_qsl(urlsplit(phone_url).query))
    # then (the fake gateway verified both signatures with the app's public key)
    assert phone_url.startswith(fake_alipay.url + "?")
    assert desktop["method"] == "alipay.trade.page.pay"
    assert phone["method"] == "alipay.trade.wap.pay"
    biz = json.loads(desktop["biz_content"])
    assert biz["out_trade_no"] == intent.public_id
    assert biz["total_amount"] == "123.45"
    assert biz["product_code"] == "FAST_INSTANT_TRADE_PAY"
    assert json.loads(phone["biz_content"])["product_code"] == "QUICK_WAP_PAY"
    assert desktop["notify_url"] == "https://shop.example.com/payments/notify/alipay/"
    assert desktop["return_url"] == "https://shop.example.com/orders/1/"


def test_signed_notification_captures_and_is_acknowledged(
    client, fake_alipay, capture_calls
):
    # given
    payer = make_user()
    intent = _intent(payer)
    _opened(fake_alipay, intent)
    trade = fake_alipay.pay(intent.public_id)
    # when
    response = _post(client, fake_alipay.notification(intent.public_id))
    # then
    assert response.status_code == 200
    assert response.content == b"success"
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert intent.provider_reference == trade.trade_no
    assert _held(payer) == 9_900
    assert capture_calls["captured"] == [intent.public_id]
    assert ProviderEvent.objects.get().event_id == f"{trade.trade_no}:paid"


@pytest.mark.parametrize(
    "change",
    ["forged", "wrong_app_id", "wrong_amount", "tampered_amount", "unknown_trade"],
)
def test_bad_notifications_are_refused_and_change_nothing(
    client, fake_alipay, capture_calls, change
):
    # given
    intent = _intent(make_user())
    _opened(fake_alipay, intent)
    fake_alipay.pay(intent.public_id)
    if change == "forged":
        body = fake_alipay.notification(intent.public_id, keys=KeyPair.generate())
    elif change == "wrong_app_id":
        body = fake_alipay.notification(intent.public_id, app_id="2021999999999999")
    elif change == "wrong_amount":  # correctly signed, but not what we asked
        body = fake_alipay.notification(intent.public_id, total_amount="0.01")
    elif change == "tampered_amount":  # signed, then changed on the way
        body = fake_alipay.notification(intent.public_id).replace(
            b"total_amount=99.00", b"total_amount=0.01"
        )
    else:
        body = fake_alipay.notification(intent.public_id, out_trade_no="pi_nosuch")
    # when
    response = _post(client, body)
    # then Alipay is told to resend, and nothing moved
    assert response.content == b"fail"
    intent.refresh_from_db()
    assert intent.status == "requires_payment"
    assert ProviderEvent.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0
    assert capture_calls["captured"] == []


def test_notification_for_another_seller_is_refused(
    client, fake_alipay, settings, capture_calls
):
    # given
    settings.GROUPBUY_ALIPAY_SELLER_ID = SELLER_ID
    intent = _intent(make_user())
    _opened(fake_alipay, intent)
    fake_alipay.pay(intent.public_id)
    body = fake_alipay.notification(intent.public_id, seller_id="2088999999999999")
    # when
    response = _post(client, body)
    # then
    assert response.content == b"fail"
    assert LedgerTransaction.objects.count() == 0


def test_replayed_notification_changes_nothing(client, fake_alipay, capture_calls):
    # given a captured payment
    payer = make_user()
    intent = _paid_intent(client, fake_alipay, payer)
    postings = LedgerTransaction.objects.count()
    # when the very same notification comes again
    response = _post(client, fake_alipay.notification(intent.public_id))
    # then
    assert response.content == b"success"
    assert LedgerTransaction.objects.count() == postings
    assert ProviderEvent.objects.count() == 1
    assert _held(payer) == 9_900
    assert capture_calls["captured"] == [intent.public_id]


def test_a_notification_before_the_payment_exists_is_refused(client, fake_alipay):
    # given a trade Alipay knows but we never created (another installation)
    fake_alipay.open_cashier(
        fake_alipay.url
        + "?"
        + _other_cashier_query(fake_alipay, out_trade_no="pi_fromelsewhere")
    )
    fake_alipay.pay("pi_fromelsewhere")
    # when
    response = _post(client, fake_alipay.notification("pi_fromelsewhere"))
    # then
    assert response.content == b"fail"
    assert LedgerTransaction.objects.count() == 0


def _other_cashier_query(gateway, *, out_trade_no):
    from groupbuy.escrow.providers.alipay import client as sdk_client

    return sdk_client().api_alipay_trade_page_pay(
        subject="x", out_trade_no=out_trade_no, total_amount="1.00"
    )


def test_a_lost_notification_is_recovered_by_the_trade_query(
    client, fake_alipay, capture_calls
):
    # given a paid trade whose notification never arrived
    payer = make_user()
    intent = _intent(payer)
    _opened(fake_alipay, intent)
    trade = fake_alipay.pay(intent.public_id)
    PaymentIntent.objects.filter(pk=intent.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=5)
    )
    # when reconciliation runs
    outcomes = payments_reconcile()
    # then the query captured it, and the late notification is a duplicate
    assert outcomes == {intent.public_id: "captured"}
    assert fake_alipay.requests[-1]["method"] == "alipay.trade.query"
    assert _held(payer) == 9_900
    postings = LedgerTransaction.objects.count()
    assert _post(client, fake_alipay.notification(intent.public_id)).content == (
        b"success"
    )
    assert LedgerTransaction.objects.count() == postings
    assert ProviderEvent.objects.get().event_id == f"{trade.trade_no}:paid"


def test_query_of_an_unopened_or_unpaid_trade_has_no_answer(fake_alipay):
    # given
    never_opened = _intent(make_user())
    unpaid = _intent(make_user())
    _opened(fake_alipay, unpaid)
    provider = get_provider("alipay")
    # then
    assert provider.query_intent(never_opened) is None
    assert provider.query_intent(unpaid) is None


def test_partial_then_full_refund_reach_alipay_after_commit(
    client, fake_alipay, capture_calls, django_capture_on_commit_callbacks
):
    # given
    payer = make_user()
    intent = _paid_intent(client, fake_alipay, payer, amount_fen=10_000)
    # when part, then the rest, is refunded
    with django_capture_on_commit_callbacks(execute=True):
        first = payment_refund(
            actor=None, intent=intent, amount_fen=2_500, idempotency_key="rf-1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = payment_refund(
            actor=None, intent=intent, amount_fen=7_500, idempotency_key="rf-2"
        )
    # then Alipay holds both refunds and both are confirmed
    trade = fake_alipay.trades[intent.public_id]
    assert trade.refunds == {"rf-1": "25.00", "rf-2": "75.00"}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("succeeded", "succeeded")
    assert first.provider_reference == f"{trade.trade_no}:rf-1"
    refunds_paid = LedgerAccount.objects.get(kind="refunds_paid")
    assert ledger.account_balance_fen(refunds_paid) == 10_000
    # and Alipay's refund notification afterwards changes nothing
    postings = LedgerTransaction.objects.count()
    assert _post(client, fake_alipay.notification(intent.public_id)).content == (
        b"success"
    )
    assert LedgerTransaction.objects.count() == postings


def test_a_refund_alipay_refuses_stays_pending_and_is_retried(
    client, fake_alipay, capture_calls, django_capture_on_commit_callbacks
):
    # given Alipay answers the first refund call with a system error
    intent = _paid_intent(client, fake_alipay, make_user())
    fake_alipay.fail_next.append(
        {"code": "20000", "msg": "Service Currently Unavailable"}
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=9_900, idempotency_key="rf-a"
        )
    refund.refresh_from_db()
    # then it waits, and the retry job sends it again with the same request number
    assert refund.status == "pending"
    assert refund.attempts == 1
    assert "20000" in refund.last_error
    assert fake_alipay.trades[intent.public_id].refunds == {}
    assert refunds_retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    assert fake_alipay.trades[intent.public_id].refunds == {"rf-a": "99.00"}
    assert Refund.objects.get().status == "succeeded"


def test_an_expired_unpaid_order_closes_its_alipay_trade(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given an open cashier
    payer = make_user()
    intent = _intent(payer)
    _opened(fake_alipay, intent)
    # when the intent is cancelled (the order expired)
    with django_capture_on_commit_callbacks(execute=True):
        payment_intent_cancel(actor=None, intent=intent)
    # then the trade is closed at Alipay, after commit, and audited
    assert fake_alipay.trades[intent.public_id].status == "TRADE_CLOSED"
    assert fake_alipay.requests[-1]["method"] == "alipay.trade.close"
    assert AuditEntry.objects.filter(action="escrow.intent.closed_at_provider").exists()


def test_closing_a_trade_the_shopper_never_opened_is_fine(
    fake_alipay, django_capture_on_commit_callbacks
):
    intent = _intent(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        payment_intent_cancel(actor=None, intent=intent)
    assert fake_alipay.requests[-1]["method"] == "alipay.trade.close"
    assert AuditEntry.objects.filter(action="escrow.intent.closed_at_provider").exists()


def test_notify_endpoint_is_404_for_a_disabled_provider(client, fake_alipay, settings):
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    assert _post(client, b"a=b").status_code == 404
    sandbox = client.post(
        "/payments/notify/sandbox/", data=b"", content_type="text/plain"
    )
    assert sandbox.status_code == 404
