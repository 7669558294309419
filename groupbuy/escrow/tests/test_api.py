import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.escrow.models import LedgerTransaction, ProviderEvent, SandboxPayment
from groupbuy.escrow.services import payment_refund
from groupbuy.escrow.tests.factories import (
    make_captured_intent,
    make_intent,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db


def _auth(user):
    """Bearer headers for ``user``, who reads English: the API answers a token
    user in their saved language, and these tests compare English."""
    if user.preferred_language != "en":
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _pay(client, intent, user, outcome="succeeded"):
    return client.post(
        f"/api/escrow/intents/{intent.public_id}/sandbox-pay",
        {"outcome": outcome},
        content_type="application/json",
        headers=_auth(user),
    )


def test_intent_status_is_visible_to_its_payer_only(client):
    payer, stranger = make_user(), make_user()
    intent = make_intent(payer=payer, amount_fen=1_234, return_url="/orders/ord_1/")
    mine = client.get(f"/api/escrow/intents/{intent.public_id}", headers=_auth(payer))
    theirs = client.get(
        f"/api/escrow/intents/{intent.public_id}", headers=_auth(stranger)
    )
    assert mine.status_code == 200
    body = mine.json()
    assert (body["status"], body["amount_fen"], body["is_submitted"]) == (
        "requires_payment",
        1_234,
        False,
    )
    assert body["pay_url"] == (
        f"http://testserver/escrow/sandbox/pay/{intent.public_id}/"
    )
    assert body["return_url"] == "http://testserver/orders/ord_1/"
    assert theirs.status_code == 404
    assert client.get(f"/api/escrow/intents/{intent.public_id}").status_code == 401


def test_sandbox_pay_sends_a_callback_that_captures_the_money(
    client, django_capture_on_commit_callbacks
):
    # given
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=4_500)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _pay(client, intent, payer)
    # then
    assert response.status_code == 202
    assert response.json()["is_submitted"] is True
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert ProviderEvent.objects.get().outcome == "captured"
    money = client.get("/api/escrow/me/money", headers=_auth(payer)).json()
    assert money == {
        "held_fen": 4_500,
        "spent_fen": 0,
        "refunded_fen": 0,
        "paid_in_fen": 4_500,
        "kept_fen": 0,
    }


def test_paying_twice_is_a_409_with_a_clear_message(
    client, django_capture_on_commit_callbacks
):
    payer = make_user()
    intent = make_intent(payer=payer)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client, intent, payer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _pay(client, intent, payer)
    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"
    assert again.json()["message"] == "This payment has already been made."
    assert callbacks == []
    assert ProviderEvent.objects.count() == 1


def test_paying_while_the_first_callback_is_still_on_its_way_is_409(client):
    # given a Pay whose callback has not arrived yet (on_commit not run)
    payer = make_user()
    intent = make_intent(payer=payer)
    assert _pay(client, intent, payer).status_code == 202
    # when
    again = _pay(client, intent, payer)
    # then
    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"


def test_paying_a_cancelled_intent_is_409(client):
    from groupbuy.escrow.services import payment_intent_cancel

    payer = make_user()
    intent = make_intent(payer=payer)
    payment_intent_cancel(actor=payer, intent=intent)
    response = _pay(client, intent, payer)
    assert response.status_code == 409
    assert response.json()["code"] == "payment_cancelled"


def test_paying_a_declined_intent_again_says_it_was_declined_and_charges_nothing(
    client, django_capture_on_commit_callbacks
):
    # given a payment the gateway declined
    payer = make_user()
    intent = make_intent(payer=payer)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client, intent, payer, outcome="failed")
    intent.refresh_from_db()
    assert intent.status == "failed"
    # when the payer pays it again
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _pay(client, intent, payer)
    # then it is refused as declined (it said "already paid"), and nothing moved
    assert again.status_code == 409
    assert again.json()["code"] == "payment_failed"
    assert again.json()["message"] == (
        "This payment was declined, so it cannot be paid now. To try again, "
        "start a new payment: on your order, choose Try again."
    )
    assert callbacks == []
    intent.refresh_from_db()
    assert intent.status == "failed"
    assert SandboxPayment.objects.count() == 1
    assert list(ProviderEvent.objects.values_list("outcome", flat=True)) == ["failed"]
    assert LedgerTransaction.objects.count() == 0


def test_someone_elses_intent_cannot_be_paid(client):
    payer, stranger = make_user(), make_user()
    intent = make_intent(payer=payer)
    response = _pay(client, intent, stranger)
    assert response.status_code == 404
    intent.refresh_from_db()
    assert intent.submitted_at is None


def test_invalid_outcome_is_422(client):
    payer = make_user()
    intent = make_intent(payer=payer)
    response = _pay(client, intent, payer, outcome="maybe")
    assert response.status_code == 422
    assert "outcome" in response.json()["fields"]


def test_decline_fails_the_intent(client, django_capture_on_commit_callbacks):
    payer = make_user()
    intent = make_intent(payer=payer)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client, intent, payer, outcome="failed")
    intent.refresh_from_db()
    assert intent.status == "failed"
    assert LedgerTransaction.objects.count() == 0


def test_my_ledger_lists_every_movement_newest_first_paginated(client):
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=1_000)
    payment_refund(actor=None, intent=intent, amount_fen=300, idempotency_key="r")
    make_captured_intent(payer=payer, amount_fen=50)
    response = client.get("/api/escrow/me/ledger?page_size=2", headers=_auth(payer))
    body = response.json()
    assert (body["total"], body["pages"], body["page"]) == (3, 2, 1)
    assert [line["amount_fen"] for line in body["items"]] == [50, -300]
    assert [line["label"] for line in body["items"]] == ["Paid into escrow", "Refunded"]
    page_two = client.get(
        "/api/escrow/me/ledger?page_size=2&page=2", headers=_auth(payer)
    ).json()
    assert [line["amount_fen"] for line in page_two["items"]] == [1_000]
    money = client.get("/api/escrow/me/money", headers=_auth(payer)).json()
    assert money == {
        "held_fen": 750,
        "spent_fen": 0,
        "refunded_fen": 300,
        "paid_in_fen": 1_050,
        "kept_fen": 0,
    }


def test_my_money_for_a_newcomer_is_all_zero(client):
    body = client.get("/api/escrow/me/money", headers=_auth(make_user())).json()
    assert body == {
        "held_fen": 0,
        "spent_fen": 0,
        "refunded_fen": 0,
        "paid_in_fen": 0,
        "kept_fen": 0,
    }


def test_merchant_money_is_for_its_staff_only(client):
    from groupbuy.accounts.services import merchant_membership_add

    merchant, owner, stranger = make_merchant(), make_user(), make_user()
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    url = f"/api/escrow/merchants/{merchant.public_id}/money"
    assert client.get(url, headers=_auth(stranger)).status_code == 403
    response = client.get(url, headers=_auth(owner))
    assert response.status_code == 200
    assert response.json()["payable_fen"] == 0
    assert response.json()["lines"]["total"] == 0
