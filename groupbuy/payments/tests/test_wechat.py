"""WeChat Pay API v3 through the fake gateway: Native/H5/JSAPI, signed and
encrypted notifications, query, refunds and their notifications, closing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    ProviderEvent,
    Refund,
)
from groupbuy.escrow.providers import get_provider
from groupbuy.escrow.providers.base import ProviderError
from groupbuy.escrow.reconcile import payments_reconcile
from groupbuy.escrow.services import (
    payment_intent_cancel,
    payment_intent_create,
    payment_refund,
)
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.tests.fake_alipay import KeyPair
from groupbuy.payments.tests.fake_wechat import MCHID

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/wechat/"


def _intent(payer, amount_fen=9_900):
    return payment_intent_create(
        actor=payer,
        payer=payer,
        amount_fen=amount_fen,
        purpose="test.purpose",
        reference="ref_1",
        description="2 × Jasmine tea",
        provider="wechat",
    )


def _post(client, body, headers):
    return client.post(
        NOTIFY, data=body, content_type="application/json", headers=headers
    )


def _held(user):
    account = LedgerAccount.objects.filter(kind="shopper_held", user=user).first()
    return account.balance_fen if account else 0


def _ordered_and_paid(gateway, payer, amount_fen=9_900):
    intent = _intent(payer, amount_fen)
    get_provider("wechat").pay_action(intent, device="desktop")
    return intent, gateway.pay(intent.public_id)


def _paid_intent(client, gateway, payer, amount_fen=9_900):
    intent, order = _ordered_and_paid(gateway, payer, amount_fen)
    response = _post(client, *gateway.notification(gateway.transaction(order)))
    assert response.status_code == 204
    intent.refresh_from_db()
    return intent


def test_desktop_gets_a_native_qr_code_phone_h5_and_wechat_jsapi(fake_wechat):
    # given
    provider = get_provider("wechat")
    intent = _intent(make_user(), amount_fen=12_345)
    # when
    native = provider.pay_action(intent, device="desktop")
    h5 = provider.pay_action(intent, device="phone", client_ip="203.0.113.9")
    jsapi = provider.pay_action(intent, device="wechat", openid="oUpF8uMu")
    # then the gateway verified each request's signature and got what v3 wants
    assert native.kind == "qr"
    assert native.qr_text.startswith("weixin://wxpay/bizpayurl?pr=")
    assert h5.kind == "redirect"
    assert h5.url.startswith("https://wx.tenpay.com/")
    assert jsapi.kind == "jsapi"
    paths = [path for _, path, _ in fake_wechat.requests]
    assert paths == [
        "/v3/pay/transactions/native",
        "/v3/pay/transactions/h5",
        "/v3/pay/transactions/jsapi",
    ]
    first = fake_wechat.requests[0][2]
    assert first["amount"] == {"total": 12_345, "currency": "CNY"}
    assert first["notify_url"] == "https://shop.example.com/payments/notify/wechat/"
    assert fake_wechat.requests[1][2]["scene_info"]["payer_client_ip"] == (
        "203.0.113.9"
    )
    assert fake_wechat.requests[2][2]["payer"] == {"openid": "oUpF8uMu"}
    # and the JS bridge's paySign verifies with the merchant's key
    bridge = jsapi.jsapi
    message = "\n".join(
        [bridge["appId"], bridge["timeStamp"], bridge["nonceStr"], bridge["package"]]
    )
    assert fake_wechat.merchant_keys.verify(message + "\n", bridge["paySign"])


def test_jsapi_without_an_openid_is_refused(fake_wechat):
    intent = _intent(make_user())
    with pytest.raises(ProviderError):
        get_provider("wechat").pay_action(intent, device="wechat")


def test_a_signed_encrypted_notification_captures_and_gets_204(
    client, fake_wechat, capture_calls
):
    # given
    payer = make_user()
    intent, order = _ordered_and_paid(fake_wechat, payer)
    # when
    response = _post(client, *fake_wechat.notification(fake_wechat.transaction(order)))
    # then
    assert response.status_code == 204
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert intent.provider_reference == order.transaction_id
    assert _held(payer) == 9_900
    assert ProviderEvent.objects.get().event_id == f"{order.transaction_id}:paid"


@pytest.mark.parametrize(
    "change",
    [
        "forged",
        "wrong_apiv3_key",
        "wrong_mchid",
        "wrong_appid",
        "wrong_amount",
        "stale",
        "tampered",
        "unknown_trade",
    ],
)
def test_bad_notifications_are_refused_with_fail_and_change_nothing(
    client, fake_wechat, capture_calls, change
):
    # given
    intent, order = _ordered_and_paid(fake_wechat, make_user())
    resource = fake_wechat.transaction(order)
    options = {}
    if change == "forged":
        options["keys"] = KeyPair.generate()
    elif change == "wrong_apiv3_key":
        options["apiv3_key"] = "f" * 32
    elif change == "wrong_mchid":
        resource["mchid"] = "1900000999"
    elif change == "wrong_appid":
        resource["appid"] = "wx0000000000000000"
    elif change == "wrong_amount":
        resource["amount"]["total"] = 1
    elif change == "stale":
        options["timestamp"] = int(time.time()) - 3_600
    elif change == "unknown_trade":
        resource["out_trade_no"] = "pi_nosuch"
    body, headers = fake_wechat.notification(resource, **options)
    if change == "tampered":
        body = body.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS" ')
    # when
    response = _post(client, body, headers)
    # then WeChat Pay is told FAIL (it resends) and nothing moved
    assert response.status_code in (400, 404, 500)
    assert response.json()["code"] == "FAIL"
    intent.refresh_from_db()
    assert intent.status == "requires_payment"
    assert ProviderEvent.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0


def test_a_replayed_notification_changes_nothing(client, fake_wechat, capture_calls):
    # given
    payer = make_user()
    intent, order = _ordered_and_paid(fake_wechat, payer)
    body, headers = fake_wechat.notification(fake_wechat.transaction(order))
    assert _post(client, body, headers).status_code == 204
    postings = LedgerTransaction.objects.count()
    # when the same bytes come again
    response = _post(client, body, headers)
    # then
    assert response.status_code == 204
    assert LedgerTransaction.objects.count() == postings
    assert _held(payer) == 9_900
    assert capture_calls["captured"] == [intent.public_id]


def test_a_lost_notification_is_recovered_by_the_query(
    client, fake_wechat, capture_calls
):
    # given a paid order whose notification never came
    payer = make_user()
    intent, order = _ordered_and_paid(fake_wechat, payer)
    PaymentIntent.objects.filter(pk=intent.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=5)
    )
    # when
    outcomes = payments_reconcile()
    # then
    assert outcomes == {intent.public_id: "captured"}
    assert _held(payer) == 9_900
    late = _post(client, *fake_wechat.notification(fake_wechat.transaction(order)))
    assert late.status_code == 204
    assert ProviderEvent.objects.count() == 1


def test_query_without_an_order_or_unpaid_has_no_answer(fake_wechat):
    provider = get_provider("wechat")
    never = _intent(make_user())
    unpaid = _intent(make_user())
    provider.pay_action(unpaid, device="desktop")
    assert provider.query_intent(never) is None
    assert provider.query_intent(unpaid) is None


def test_partial_refund_and_its_notification(
    client, fake_wechat, capture_calls, django_capture_on_commit_callbacks
):
    # given
    payer = make_user()
    intent = _paid_intent(client, fake_wechat, payer, amount_fen=10_000)
    # when a part is refunded
    with django_capture_on_commit_callbacks(execute=True):
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=3_000, idempotency_key="rf-w1"
        )
    refund.refresh_from_db()
    # then WeChat Pay accepted it (PROCESSING) and it is confirmed
    order = fake_wechat.orders[intent.public_id]
    assert order.refunds == {"rf-w1": 3_000}
    assert refund.status == "succeeded"
    refunds_paid = LedgerAccount.objects.get(kind="refunds_paid")
    assert ledger.account_balance_fen(refunds_paid) == 3_000
    # and the REFUND.SUCCESS notification changes nothing
    resource = {
        "mchid": MCHID,
        "out_trade_no": intent.public_id,
        "transaction_id": order.transaction_id,
        "out_refund_no": "rf-w1",
        "refund_id": refund.provider_reference,
        "refund_status": "SUCCESS",
        "amount": {"total": 10_000, "refund": 3_000, "payer_refund": 3_000},
    }
    postings = LedgerTransaction.objects.count()
    body, headers = fake_wechat.notification(resource, event_type="REFUND.SUCCESS")
    assert _post(client, body, headers).status_code == 204
    assert LedgerTransaction.objects.count() == postings


def test_a_refund_notification_confirms_a_refund_whose_answer_was_lost(
    client, fake_wechat, capture_calls
):
    # given a pending refund (the provider's answer never reached us)
    intent = _paid_intent(client, fake_wechat, make_user())
    refund = payment_refund(
        actor=None, intent=intent, amount_fen=9_900, idempotency_key="rf-lost"
    )  # no on_commit callbacks run: the send never happened here
    resource = {
        "mchid": MCHID,
        "out_trade_no": intent.public_id,
        "out_refund_no": "rf-lost",
        "refund_id": "50000000000000000000000000099",
        "refund_status": "SUCCESS",
        "amount": {"total": 9_900, "refund": 9_900},
    }
    # when
    body, headers = fake_wechat.notification(resource, event_type="REFUND.SUCCESS")
    response = _post(client, body, headers)
    # then
    assert response.status_code == 204
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert refund.provider_reference == "50000000000000000000000000099"


def test_an_abnormal_refund_is_audited_for_operators(
    client, fake_wechat, capture_calls, django_capture_on_commit_callbacks
):
    from groupbuy.core.audit import AuditEntry

    intent = _paid_intent(client, fake_wechat, make_user())
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(
            actor=None, intent=intent, amount_fen=9_900, idempotency_key="rf-x"
        )
    resource = {
        "mchid": MCHID,
        "out_trade_no": intent.public_id,
        "out_refund_no": "rf-x",
        "refund_status": "ABNORMAL",
        "amount": {"total": 9_900, "refund": 9_900},
    }
    body, headers = fake_wechat.notification(resource, event_type="REFUND.ABNORMAL")
    assert _post(client, body, headers).status_code == 204
    entry = AuditEntry.objects.get(action="payments.refund.abnormal")
    assert entry.data["status"] == "ABNORMAL"


def test_a_refund_larger_than_paid_is_refused_before_wechat(
    client, fake_wechat, capture_calls
):
    from groupbuy.escrow.errors import EscrowError

    intent = _paid_intent(client, fake_wechat, make_user())
    with pytest.raises(EscrowError) as refusal:
        payment_refund(
            actor=None, intent=intent, amount_fen=9_901, idempotency_key="rf-big"
        )
    assert refusal.value.code == "refund_too_large"
    assert Refund.objects.count() == 0
    assert fake_wechat.orders[intent.public_id].refunds == {}


def test_an_expired_unpaid_order_is_closed_at_wechat(
    fake_wechat, django_capture_on_commit_callbacks
):
    intent = _intent(make_user())
    get_provider("wechat").pay_action(intent, device="desktop")
    with django_capture_on_commit_callbacks(execute=True):
        payment_intent_cancel(actor=None, intent=intent)
    assert fake_wechat.orders[intent.public_id].state == "CLOSED"
    assert fake_wechat.requests[-1][1] == (
        f"/v3/pay/transactions/out-trade-no/{intent.public_id}/close"
    )
