"""The sandbox callback endpoint: signatures, amounts, duplicates, disorder."""

import pytest

from groupbuy.escrow import ledger
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerTransaction,
    PaymentIntent,
    ProviderEvent,
)
from groupbuy.escrow.providers.base import PAYMENT_FAILED
from groupbuy.escrow.services import payment_intent_cancel
from groupbuy.escrow.tests.factories import (
    event_for,
    make_intent,
    make_user,
    signed,
)

pytestmark = pytest.mark.django_db
URL = "/api/escrow/callbacks/sandbox"


def _post(client, payload, *, body=None, headers=None):
    signed_body, signed_headers = signed(payload)
    return client.post(
        URL,
        data=body if body is not None else signed_body,
        content_type="application/json",
        headers=headers if headers is not None else signed_headers,
    )


def _held(user):
    account = LedgerAccount.objects.filter(kind="shopper_held", user=user).first()
    return ledger.account_balance_fen(account)


def _nothing_changed(intent):
    intent.refresh_from_db()
    return (
        intent.status == "requires_payment"
        and ProviderEvent.objects.count() == 0
        and LedgerTransaction.objects.count() == 0
    )


def test_signed_success_captures_into_the_payers_held_account(client, capture_calls):
    # given
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=19_800)
    # when
    response = _post(client, event_for(intent, event_id="evt_1"))
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "captured"}
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert intent.succeeded_at is not None
    assert _held(payer) == 19_800
    assert capture_calls["captured"] == [intent.public_id]
    kinds = set(LedgerTransaction.objects.values_list("kind", flat=True))
    assert kinds == {"escrow.payment.received", "escrow.payment.captured"}


def test_bad_signature_is_400_and_changes_nothing(client, capture_calls):
    intent = make_intent(payer=make_user())
    body, _headers = signed(event_for(intent))
    response = _post(
        client, {}, body=body, headers={"X-Sandbox-Signature": "sha256=" + "0" * 64}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert response.json()["message"] == "invalid signature"
    assert _nothing_changed(intent)
    assert capture_calls["captured"] == []


def test_missing_signature_is_400(client):
    intent = make_intent(payer=make_user())
    body, _headers = signed(event_for(intent))
    response = _post(client, {}, body=body, headers={})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert _nothing_changed(intent)


def test_tampered_body_fails_the_signature(client):
    intent = make_intent(payer=make_user(), amount_fen=100)
    body, headers = signed(event_for(intent))
    response = _post(client, {}, body=body.replace(b"100", b"1"), headers=headers)
    assert response.status_code == 400
    assert _nothing_changed(intent)


@pytest.mark.parametrize(
    "override", [{"amount_fen": 1}, {"currency": "USD"}], ids=["amount", "currency"]
)
def test_amount_or_currency_mismatch_is_400_and_changes_nothing(client, override):
    intent = make_intent(payer=make_user(), amount_fen=9_900)
    response = _post(client, event_for(intent, **override))
    assert response.status_code == 400
    assert response.json()["code"] == "amount_mismatch"
    assert "payment is for 9900 CNY" in response.json()["message"]
    assert _nothing_changed(intent)


def test_unknown_intent_is_404(client):
    intent = make_intent(payer=make_user())
    response = _post(client, event_for(intent, intent_id="pi_doesnotexist0000"))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_intent"
    assert _nothing_changed(intent)


def test_unknown_provider_is_404(client):
    response = client.post(
        "/api/escrow/callbacks/paypal", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_provider"


def test_malformed_but_signed_body_is_400(client):
    body = b'{"hello": "world"}'
    from groupbuy.escrow.providers.sandbox import sign

    response = _post(client, {}, body=body, headers={"X-Sandbox-Signature": sign(body)})
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_callback"


def test_duplicate_event_returns_200_and_changes_nothing(client, capture_calls):
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=500)
    payload = event_for(intent, event_id="evt_dup")
    assert _post(client, payload).json() == {"status": "captured"}
    # when the gateway sends it again
    response = _post(client, payload)
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "duplicate"}
    assert _held(payer) == 500
    assert ProviderEvent.objects.count() == 1
    assert capture_calls["captured"] == [intent.public_id]


def test_second_success_event_with_another_id_captures_nothing(client):
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=500)
    _post(client, event_for(intent, event_id="evt_a"))
    response = _post(client, event_for(intent, event_id="evt_b"))
    assert response.json() == {"status": "ignored"}
    assert _held(payer) == 500


def test_late_failure_after_success_changes_nothing(client, capture_calls):
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=500)
    _post(client, event_for(intent, event_id="evt_ok"))
    response = _post(
        client, event_for(intent, event_type=PAYMENT_FAILED, event_id="evt_late")
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert _held(payer) == 500
    assert capture_calls["failed"] == []


def test_failure_marks_the_intent_failed_and_tells_the_owner(client, capture_calls):
    payer = make_user()
    intent = make_intent(payer=payer)
    response = _post(client, event_for(intent, event_type=PAYMENT_FAILED))
    assert response.json() == {"status": "failed"}
    intent.refresh_from_db()
    assert intent.status == "failed"
    assert capture_calls["failed"] == [intent.public_id]
    assert LedgerTransaction.objects.count() == 0


def test_success_after_cancellation_is_refunded_when_the_owner_declines(
    client, capture_calls, django_capture_on_commit_callbacks
):
    # given the order gave up on the payment while the payer was paying
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=700)
    payment_intent_cancel(actor=None, intent=intent)
    capture_calls["accept"][0] = False
    # when the money arrives anyway (the refund reaches the provider on commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, event_for(intent))
    # then it is captured and refunded in full: nothing lost, nothing kept
    assert response.json() == {"status": "captured_refunded"}
    intent.refresh_from_db()
    assert (intent.status, intent.refunded_fen) == ("succeeded", 700)
    assert _held(payer) == 0
    assert ledger.balance_totals_by_kind()["refunds_paid"] == 700


def test_a_failing_capture_handler_rolls_the_capture_back(client):
    from groupbuy.escrow import handlers

    def explode(*, intent):
        raise RuntimeError("owner is down")

    handlers.register_capture_handler("test.explodes", explode)
    try:
        intent = make_intent(payer=make_user(), purpose="test.explodes")
        with pytest.raises(RuntimeError):
            _post(client, event_for(intent))
    finally:
        handlers._capture_handlers.pop("test.explodes")
    assert _nothing_changed(PaymentIntent.objects.get(pk=intent.pk))
