"""Changing where a shop's payouts go needs the password confirmed recently (the
accounts' recent-authentication window); an API token cannot change it at all.
Every owner is still told of the new account."""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.accounts.tests.helpers import PASSWORD, password_confirmed_session
from groupbuy.accounts.tests.helpers import make_user as make_person
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.notify.models import Notification
from groupbuy.payments.models import PayoutSchedule
from groupbuy.payments.payouts import payout_schedule_set
from groupbuy.payments.tests.test_payouts import _merchant_with_payable

pytestmark = pytest.mark.django_db

OWNER = "+8613800138321"
OTHER_SHOPPER = "+8613800138322"
OTHER_OWNER = "+8613800138323"
OTHER_CASHIER = "+8613800138324"
THIEF_ACCOUNT = "thief@example.net"


@pytest.fixture
def shop(fake_alipay):
    """A shop paid out daily to its account, and its owner (English)."""
    merchant = _merchant_with_payable(5_000)
    owner = make_person(OWNER)
    make_merchant_member(user=owner, merchant=merchant, role="owner")
    payout_schedule_set(
        actor=owner,
        merchant=merchant,
        enabled=True,
        provider_name="alipay",
        payee_account="merchant@example.com",
        minimum_fen=10_000,
    )
    Notification.objects.all().delete()
    return merchant, owner


def _api_url(merchant) -> str:
    return f"/api/payments/merchants/{merchant.public_id}/payout-schedule"


def _put(client, merchant, account, minimum_fen=10_000, **extra):
    body = {
        "enabled": True,
        "provider": "alipay",
        "payee_account": account,
        "minimum_fen": minimum_fen,
    }
    return client.put(
        _api_url(merchant), body, content_type="application/json", **extra
    )


def _paid_to(merchant) -> tuple[str, int]:
    schedule = PayoutSchedule.objects.get(merchant=merchant)
    return schedule.payee_account, schedule.minimum_fen


def test_a_token_cannot_change_where_the_money_goes(client, shop):
    from groupbuy.accounts.services import api_token_create

    merchant, owner = shop
    _token, secret = api_token_create(actor=owner)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    # when a token points the payouts at another account
    answer = _put(client, merchant, THIEF_ACCOUNT, **headers)
    # then it is refused, nothing moves and nobody needs telling
    assert answer.status_code == 403
    assert answer.json()["code"] == "session_required"
    assert _paid_to(merchant) == ("merchant@example.com", 10_000)
    assert not Notification.objects.exists()
    # and the minimum alone it may still change
    kept = _put(client, merchant, "merchant@example.com", 20_000, **headers)
    assert kept.status_code == 200
    assert _paid_to(merchant) == ("merchant@example.com", 20_000)


def test_a_session_changes_it_only_after_confirming_the_password(
    client, shop, django_capture_on_commit_callbacks
):
    merchant, owner = shop
    client.force_login(owner)
    # when the owner's session changes the account without the password
    refused = _put(client, merchant, THIEF_ACCOUNT)
    # then it says what to do, and nothing moves
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "reauthentication_required"
    assert body["reauthenticate"] == "http://testserver/api/me/reauthenticate"
    assert _paid_to(merchant) == ("merchant@example.com", 10_000)
    # when it confirms the password first
    confirmed = client.post(
        "/api/me/reauthenticate",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        changed = _put(client, merchant, "new@example.com")
    # then the account changes, and the owner is still told
    assert changed.status_code == 200
    assert _paid_to(merchant) == ("new@example.com", 10_000)
    assert Notification.objects.filter(
        recipient=owner, kind="payments.payout_account.changed"
    ).exists()


def test_the_page_asks_for_the_password_when_the_account_changes(client, shop):
    merchant, owner = shop
    client.force_login(owner)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    form = {"enabled": "on", "provider": "alipay", "minimum_fen": "100"}
    # given the page, which has a password step
    assert "password" in client.get(url).context["form"].fields
    # when only the minimum changes, no password is needed
    same = client.post(url, {**form, "payee_account": "merchant@example.com"})
    assert same.status_code == 302
    assert _paid_to(merchant) == ("merchant@example.com", 10_000)
    # when the account changes without the password, or with a wrong one
    missing = client.post(url, {**form, "payee_account": THIEF_ACCOUNT})
    wrong = client.post(
        url, {**form, "payee_account": THIEF_ACCOUNT, "password": "not-it-at-all"}
    )
    # then the page asks for it on its field, and nothing moves
    assert missing.status_code == 403
    assert missing.context["form"].errors["password"] == [
        "Confirm your password first; it then stays confirmed for 10 minutes."
    ]
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["password"] == ["This is not your password."]
    assert _paid_to(merchant) == ("merchant@example.com", 10_000)
    # when it is typed, the account changes and the step is gone for a while
    saved = client.post(
        url, {**form, "payee_account": "new@example.com", "password": PASSWORD}
    )
    assert saved.status_code == 302
    assert _paid_to(merchant) == ("new@example.com", 10_000)
    assert "password" not in client.get(url).context["form"].fields


def test_others_with_their_password_confirmed_still_cannot_change_it(shop):
    merchant, _owner = shop
    other = _merchant_with_payable(1)
    owner = make_person(OTHER_OWNER)
    make_merchant_member(user=owner, merchant=other, role="owner")
    cashier = make_person(OTHER_CASHIER)
    make_merchant_member(user=cashier, merchant=other, role="cashier")
    for intruder in (make_person(OTHER_SHOPPER), owner, cashier):
        client = Client()
        client.force_login(intruder)
        assert (
            client.post(
                "/api/me/reauthenticate",
                {"password": PASSWORD},
                content_type="application/json",
            ).status_code
            == 200
        )
        answer = _put(client, merchant, THIEF_ACCOUNT)
        assert answer.status_code in (403, 404)
        assert answer.json()["code"] != "reauthentication_required"
    assert _paid_to(merchant) == ("merchant@example.com", 10_000)
    assert not Notification.objects.exists()


OPERATOR = "+8613800138325"


def _approve(client, merchant, **extra):
    body = {
        "merchant_id": merchant.public_id,
        "amount_fen": 1_000,
        "provider": "alipay",
        "payee_account": THIEF_ACCOUNT,
    }
    return client.post(
        "/api/payments/operator/payouts",
        body,
        content_type="application/json",
        **extra,
    )


def test_a_one_off_payout_needs_the_operators_password_confirmed(client, shop):
    from groupbuy.accounts.services import api_token_create
    from groupbuy.payments.models import Payout

    merchant, _owner = shop
    operator = make_person(OPERATOR, is_staff=True)
    _token, secret = api_token_create(actor=operator)
    # when a token approves a payout to a typed account
    by_token = _approve(client, merchant, HTTP_AUTHORIZATION=f"Bearer {secret}")
    # then it may not at all
    assert by_token.status_code == 403
    assert by_token.json()["code"] == "session_required"
    # when the operator's session approves it without the password
    client.force_login(operator)
    unconfirmed = _approve(client, merchant)
    # then it says what to do
    assert unconfirmed.status_code == 403
    assert unconfirmed.json()["code"] == "reauthentication_required"
    assert (
        unconfirmed.json()["reauthenticate"]
        == "http://testserver/api/me/reauthenticate"
    )
    assert not Payout.objects.exists()
    # when the password is confirmed first, the payout is made
    client.post(
        "/api/me/reauthenticate",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert _approve(client, merchant).status_code == 201
    assert Payout.objects.count() == 1


def test_the_payout_page_asks_the_operator_for_the_password(client, shop):
    from groupbuy.payments.models import Payout

    merchant, _owner = shop
    operator = make_person(OPERATOR, is_staff=True)
    client.force_login(operator)
    url = "/payments/operator/payouts/"
    page = client.get(url)
    form = {
        "merchant": merchant.public_id,
        "amount_fen": "10.00",
        "provider": "alipay",
        "payee_account": "shop@example.com",
        "idempotency_key": page.context["form"]["idempotency_key"].value(),
    }
    # given the page, which has a password step
    assert page.context["form"].fields["password"].required
    # when the payout is approved without the password, or with a wrong one
    missing = client.post(url, form)
    wrong = client.post(url, {**form, "password": "not-it-at-all"})
    # then the page asks for it on its field, and nothing is paid
    assert missing.status_code == 400
    assert missing.context["form"].errors["password"] == ["This field is required."]
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["password"] == ["This is not your password."]
    assert not Payout.objects.exists()
    # when it is typed, the payout is made and the step is gone for a while
    approved = client.post(url, {**form, "password": PASSWORD})
    assert approved.status_code == 302, approved.context["form"].errors
    assert Payout.objects.count() == 1
    assert "password" not in client.get(url).context["form"].fields


def test_others_with_their_password_confirmed_approve_no_payout(shop):
    from groupbuy.payments.models import Payout

    merchant, owner = shop
    other = _merchant_with_payable(1)
    other_owner = make_person(OTHER_OWNER)
    make_merchant_member(user=other_owner, merchant=other, role="owner")
    cashier = make_person(OTHER_CASHIER)
    make_merchant_member(user=cashier, merchant=other, role="cashier")
    for intruder in (make_person(OTHER_SHOPPER), owner, other_owner, cashier):
        client = Client()
        password_confirmed_session(client, intruder)
        answer = _approve(client, merchant)
        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"
    assert not Payout.objects.exists()


def test_a_payout_refused_for_another_reason_does_not_ask_the_password_again(
    client, shop
):
    from groupbuy.payments.models import Payout

    # given an operator on the payout page, its password step shown
    merchant, _owner = shop
    client.force_login(make_person(OPERATOR, is_staff=True))
    url = "/payments/operator/payouts/"
    page = client.get(url)
    # when the password is right but the amount is more than the shop is owed
    refused = client.post(
        url,
        {
            "merchant": merchant.public_id,
            "amount_fen": "1000.00",
            "provider": "alipay",
            "payee_account": "shop@example.com",
            "idempotency_key": page.context["form"]["idempotency_key"].value(),
            "password": PASSWORD,
        },
    )
    # then the page says why, and asks for no password (its window is open)
    form = refused.context["form"]
    assert refused.status_code == 409
    assert form.errors["amount_fen"] == ["At most ¥50.00."]
    assert "password" not in form.fields
    assert b'name="password"' not in refused.content
    assert not Payout.objects.exists()
