"""Payouts through the sandbox (the demo's and the tests' only provider): it
pays at once with a made-up transfer id, refuses its documented payee, and a
shop can set where its money goes. Where no provider can pay merchants, the
pages say what to switch on."""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.accounts.services import api_token_create
from groupbuy.accounts.tests.helpers import password_confirmed_session
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.providers import get_provider
from groupbuy.escrow.providers.sandbox import REFUSED_PAYEE_ACCOUNT
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout, PayoutSchedule
from groupbuy.payments.payouts import payout_create, transfer_provider_names
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _payable

pytestmark = pytest.mark.django_db


def _english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=_english(user))
    return {"Authorization": f"Bearer {secret}"}


def _owner(merchant):
    return _english(make_merchant_member(merchant=merchant, role="owner").user)


def _balances_fen(merchant) -> tuple[int, int, int]:
    """The merchant's payable, the gateway clearing and the outside world."""
    return (
        _payable(merchant),
        ledger.account_balance_fen(
            ledger.system_account(kind=LedgerAccount.Kind.GATEWAY_CLEARING)
        ),
        ledger.account_balance_fen(
            ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
        ),
    )


def _confirmed_operator_client():
    """A signed-in operator's browser session, password confirmed: a one-off
    payout needs it (an API token may not approve one). Reads English."""
    operator = make_user(is_staff=True, preferred_language="en")
    client = Client()
    password_confirmed_session(client, operator)
    return client


def test_the_sandbox_can_pay_merchants_where_it_is_switched_on(settings):
    # given the test settings: the sandbox is the only provider
    assert settings.GROUPBUY_PAYMENT_PROVIDERS == ["sandbox"]
    # then
    assert transfer_provider_names() == ["sandbox"]
    # and once it is switched off, nothing can
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    assert transfer_provider_names() == []


def test_an_operator_pays_a_shop_through_the_sandbox_and_its_owner_sees_it(
    client, django_capture_on_commit_callbacks
):
    # given a shop owed ¥193.61
    merchant = _merchant_with_payable(19_361)
    owner = _owner(merchant)
    # when an operator approves a payout of all of it over the API
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirmed_operator_client().post(
            "/api/payments/operator/payouts",
            {
                "merchant_id": merchant.public_id,
                "amount_fen": 19_361,
                "provider": "sandbox",
                "payee_account": "shop@example.com",
                "payee_name": "Fresh Mart Ltd",
            },
            content_type="application/json",
        )
    # then it is made, and paid after commit with the sandbox's transfer id
    assert response.status_code == 201, response.json()
    payout = Payout.objects.get(public_id=response.json()["id"])
    assert payout.status == Payout.Status.SUCCEEDED
    assert payout.provider_reference.startswith("sbx_tr_")
    assert payout.failure_reason == ""
    # and the ledger balances: the payable is empty, the clearing account
    # back at zero, the money gone out
    assert _balances_fen(merchant) == (0, 0, 0)
    assert set(
        AuditEntry.objects.filter(object_id=payout.public_id).values_list(
            "action", flat=True
        )
    ) >= {"payments.payout.approved", "payments.payout.paid"}
    # and the owner's payouts page shows it paid
    client.force_login(owner)
    page = client.get(f"/payments/merchant/{merchant.public_id}/payouts/")
    html = page.content.decode()
    assert f'id="payout-{payout.public_id}"' in html
    assert "¥193.61" in html and "shop@example.com" in html


def test_the_sandbox_pays_once_however_often_it_is_asked():
    # given
    merchant = _merchant_with_payable(5_000)
    payout = payout_create(
        actor=make_user(is_staff=True),
        merchant=merchant,
        amount_fen=5_000,
        provider_name="sandbox",
        payee_account="shop@example.com",
    )
    # when the transfer is asked for twice (a retry)
    first = get_provider("sandbox").transfer(payout=payout)
    second = get_provider("sandbox").transfer(payout=payout)
    # then it is the same transfer
    assert first == second and first.startswith("sbx_tr_")


def test_the_sandbox_refuses_its_documented_payee_and_the_money_comes_back(
    django_capture_on_commit_callbacks,
):
    # given
    merchant = _merchant_with_payable(5_000)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_create(
            actor=make_user(is_staff=True),
            merchant=merchant,
            amount_fen=3_000,
            provider_name="sandbox",
            payee_account=REFUSED_PAYEE_ACCOUNT,
        )
    # then
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert payout.failure_reason.startswith("PAYEE_NOT_EXIST")
    assert payout.provider_reference == ""
    assert _balances_fen(merchant) == (5_000, 0, -5_000)
    returned = ledger.merchant_payable_account(merchant=merchant).entries.filter(
        transaction__kind="payments.payout.returned"
    )
    assert list(returned.values_list("amount_fen", flat=True)) == [3_000]


def test_a_sandbox_payout_sent_after_it_was_switched_off_is_not_paid(
    settings, django_capture_on_commit_callbacks
):
    # given a sandbox payout approved while the sandbox was on
    merchant = _merchant_with_payable(5_000)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        payout = payout_create(
            actor=make_user(is_staff=True),
            merchant=merchant,
            amount_fen=5_000,
            provider_name="sandbox",
            payee_account="shop@example.com",
        )
    # when it is sent once the sandbox is off (a real installation now)
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    for callback in callbacks:
        callback()
    # then no money is written as paid: it is back with the shop
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert _balances_fen(merchant) == (5_000, 0, -5_000)


def test_a_shop_sets_its_payee_account_on_the_page_and_over_the_api(client):
    # given a shop owned by someone, with the sandbox the only provider
    merchant = _merchant_with_payable(5_000)
    owner = _owner(merchant)
    client.force_login(owner)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    # when the owner opens the payouts page
    page = client.get(url).content.decode()
    # then the schedule form is there, offering the sandbox by its name
    assert 'id="payout-schedule-form"' in page
    assert 'value="sandbox"' in page and "Sandbox (test payment)" in page
    # and says what the sandbox does with the account
    assert (
        "With the sandbox (test payment) any account is paid at once and no money "
        "moves; refused@sandbox.test is refused, to try a failed payout." in page
    )
    # when they save it
    saved = client.post(
        url,
        {
            "enabled": "on",
            "provider": "sandbox",
            "payee_account": "shop@example.com",
            "payee_name": "Fresh Mart Ltd",
            "minimum_fen": "100.00",
            "password": "test-password-1",
        },
    )
    # then
    assert saved.status_code == 302
    schedule = PayoutSchedule.objects.get(merchant=merchant)
    assert (schedule.provider, schedule.payee_account, schedule.minimum_fen) == (
        "sandbox",
        "shop@example.com",
        10_000,
    )
    # and the API takes the same (it answered 400 transfer_unavailable)
    put = client.put(
        f"/api/payments/merchants/{merchant.public_id}/payout-schedule",
        {"enabled": True, "provider": "sandbox", "payee_account": "new@example.com"},
        content_type="application/json",
    )
    assert put.status_code == 200, put.json()
    assert put.json()["providers"] == ["sandbox"]
    assert PayoutSchedule.objects.get(merchant=merchant).payee_account == (
        "new@example.com"
    )


def test_a_provider_that_is_not_switched_on_is_a_400_naming_those_that_are(client):
    # given
    merchant = _merchant_with_payable(5_000)
    # when an operator names Alipay where only the sandbox is on
    response = _confirmed_operator_client().post(
        "/api/payments/operator/payouts",
        {
            "merchant_id": merchant.public_id,
            "amount_fen": 1_000,
            "provider": "alipay",
            "payee_account": "shop@example.com",
        },
        content_type="application/json",
    )
    # then it says which can, on the provider field, and writes nothing
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "transfer_unavailable"
    assert body["fields"] == {"provider": ["Choose one of: sandbox."]}
    assert body["message"] == (
        "“alipay” cannot pay merchants here. Choose one of: sandbox."
    )
    assert not Payout.objects.exists()
    assert _payable(merchant) == 5_000


def test_where_no_provider_can_pay_merchants_the_pages_say_what_to_switch_on(
    client, settings
):
    # given an installation with no provider switched on
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    merchant = _merchant_with_payable(5_000)
    # when the owner opens the payouts page
    client.force_login(_owner(merchant))
    owner_page = client.get(f"/payments/merchant/{merchant.public_id}/payouts/")
    # then it says who must switch what on
    html = owner_page.content.decode()
    assert 'id="payout-schedule-form"' not in html
    assert (
        "The platform's operators must switch on a payment provider that can "
        "pay merchants (Alipay, WeChat Pay); ask them." in html.replace("&#x27;", "'")
    )
    # when an operator opens theirs
    client.force_login(_english(make_user(is_staff=True)))
    operator_page = client.get("/payments/operator/payouts/").content.decode()
    # then it names the setting and the providers it may hold
    assert 'id="payout-form"' not in operator_page
    assert (
        "add one of sandbox, alipay, wechat to the setting "
        "GROUPBUY_PAYMENT_PROVIDERS" in operator_page
    )


def test_a_refused_payout_is_told_in_the_readers_words_keeping_the_providers(
    client, django_capture_on_commit_callbacks
):
    # given a payout to the sandbox's refused payee, failed
    merchant = _merchant_with_payable(5_000)
    owner = _owner(merchant)
    operator = _english(make_user(is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_create(
            actor=operator,
            merchant=merchant,
            amount_fen=3_000,
            provider_name="sandbox",
            payee_account=REFUSED_PAYEE_ACCOUNT,
        )
    payout.refresh_from_db()
    # when the operator and the shop's owner read their payouts pages and API
    client.force_login(operator)
    operator_page = client.get("/payments/operator/payouts/").content.decode()
    client.force_login(owner)
    owner_page = client.get(
        f"/payments/merchant/{merchant.public_id}/payouts/"
    ).content.decode()
    (listed,) = client.get(
        f"/api/payments/merchants/{merchant.public_id}/payouts",
        headers=_auth(owner),
    ).json()["items"]
    # then they read why in words of their language (translated: until
    # 2026-12-06 the sandbox's English sentence was quoted on Chinese pages),
    # the provider's code beside them and its own text kept for support
    said = (
        "Sandbox (test payment) said: The payee account does not exist. "
        '<span class="muted small" '
        'title="PAYEE_NOT_EXIST The sandbox refuses this payee account.">'
        "(PAYEE_NOT_EXIST)</span>"
    )
    assert said in operator_page and said in owner_page
    assert "<q>PAYEE_NOT_EXIST" not in operator_page + owner_page
    assert (listed["failure_reason"], listed["failure_message"]) == (
        payout.failure_reason,
        "The payee account does not exist.",
    )
