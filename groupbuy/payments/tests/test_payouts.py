"""Merchant payouts through Alipay's transfer (fake gateway): paid, refused
(money back), retried, too large, operators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from groupbuy.accounts.tests.helpers import password_confirmed_session
from groupbuy.catalog.tests.factories import make_merchant, make_merchant_member
from groupbuy.core.errors import NotFound
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError, InsufficientFunds
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout
from groupbuy.payments.payouts import payout_create, payouts_retry_due

pytestmark = pytest.mark.django_db


def _merchant_with_payable(amount_fen: int):
    """A merchant whose payable holds ``amount_fen`` (from settled deals)."""
    merchant = make_merchant()
    ledger.ledger_post(
        kind="test.settled",
        idempotency_key=f"settled-{merchant.pk}",
        entries=[
            (ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL), -amount_fen),
            (ledger.merchant_payable_account(merchant=merchant), amount_fen),
        ],
    )
    return merchant


def _payable(merchant) -> int:
    return ledger.merchant_payable_account(merchant=merchant).balance_fen


def _operator():
    return make_user(is_staff=True)


def _pay(merchant, amount_fen, payee="merchant@example.com", actor=None):
    return payout_create(
        actor=actor or _operator(),
        merchant=merchant,
        amount_fen=amount_fen,
        provider_name="alipay",
        payee_account=payee,
        payee_name="Fresh Mart Ltd",
    )


def test_an_approved_payout_is_transferred_after_commit(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given
    merchant = _merchant_with_payable(50_000)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 30_000)
    # then
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    assert fake_alipay.transfers == {
        payout.business_number: ("merchant@example.com", "300.00")
    }
    assert _payable(merchant) == 20_000
    external = ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
    assert ledger.account_balance_fen(external) == -50_000 + 30_000
    clearing = ledger.system_account(kind="gateway_clearing")
    assert ledger.account_balance_fen(clearing) == 0


def test_a_refused_transfer_returns_the_money_and_says_why(
    fake_alipay, django_capture_on_commit_callbacks
):
    merchant = _merchant_with_payable(50_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 30_000, payee="nobody@example.com")
    payout.refresh_from_db()
    assert payout.status == "failed"
    assert "PAYEE_NOT_EXIST" in payout.failure_reason
    assert _payable(merchant) == 50_000
    clearing = ledger.system_account(kind="gateway_clearing")
    assert ledger.account_balance_fen(clearing) == 0
    # and the money coming back names the payout, as its sending does (the
    # "Payout failed, money returned" line had no memo)
    returned = ledger.merchant_payable_account(merchant=merchant)
    memos = set(
        returned.entries.filter(
            transaction__kind="payments.payout.returned"
        ).values_list("transaction__memo", flat=True)
    )
    assert memos == {payout.public_id}


def test_a_failed_payout_shows_the_providers_words_as_the_providers(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout Alipay refused with its code and its (Chinese) message
    merchant = _merchant_with_payable(50_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 30_000, payee="nobody@example.com")
    payout.refresh_from_db()
    # when the shop's owner and an operator read their payouts pages in English
    owner = make_merchant_member(merchant=merchant).user
    pages = []
    for reader, url in (
        (owner, f"/payments/merchant/{merchant.public_id}/payouts/"),
        (_operator(), "/payments/operator/payouts/"),
    ):
        reader.preferred_language = "en"
        reader.save(update_fields=["preferred_language"])
        client.force_login(reader)
        pages.append(client.get(url).content.decode())
    # then a refusal the platform knows is said in the reader's words, Alipay's
    # code beside them and its own text kept (until 2026-12-06 quoted only, in
    # whatever language Alipay wrote)
    for page in pages:
        assert (
            "Alipay said: The payee account does not exist. "
            f'<span class="muted small" title="{payout.failure_reason}">'
            "(PAYEE_NOT_EXIST)</span>"
        ) in page
    # and one it does not know is kept as Alipay wrote it, said to be Alipay's
    Payout.objects.filter(pk=payout.pk).update(failure_reason="NEW_CODE 新的原因")
    page = client.get("/payments/operator/payouts/").content.decode()
    assert "Alipay said: <q>NEW_CODE 新的原因</q>" in page


def test_the_payout_forms_name_providers_for_people(client, fake_alipay):
    # (the provider choice and the daily payout's read "alipay")
    merchant = _merchant_with_payable(5_000)
    owner = make_merchant_member(merchant=merchant, role="owner").user
    operator = _operator()
    for reader, url in (
        (operator, "/payments/operator/payouts/"),
        (owner, f"/payments/merchant/{merchant.public_id}/payouts/"),
    ):
        reader.preferred_language = "en"
        reader.save(update_fields=["preferred_language"])
        client.force_login(reader)
        form = client.get(url).context["form"]
        assert ("alipay", "Alipay") in list(form.fields["provider"].choices)


def test_a_transfer_that_gets_no_answer_is_retried_with_the_same_number(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given Alipay is down for the first call
    merchant = _merchant_with_payable(50_000)
    fake_alipay.fail_next.append({"code": "20000", "msg": "Service Unavailable"})
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 10_000)
    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("pending", 1)
    assert _payable(merchant) == 40_000  # held in clearing meanwhile
    # when the retry job runs later
    assert payouts_retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    # then it is paid once
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    assert list(fake_alipay.transfers) == [payout.business_number]


def test_a_payout_waiting_for_an_answer_says_so_in_words_not_the_error(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout whose first transfer got no answer from Alipay
    merchant = _merchant_with_payable(50_000)
    fake_alipay.fail_next.append({"code": "20000", "msg": "Service Unavailable"})
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 10_000)
    payout.refresh_from_db()
    assert payout.status == "pending" and "20000" in payout.last_error
    operator = make_user(is_staff=True, preferred_language="en")
    client.force_login(operator)
    # when an operator reads the payouts page
    html = client.get("/payments/operator/payouts/").content.decode()
    # then it says what is happening and when it is tried again, and not the
    # program's text (until 2026-12-06 it showed ProviderError('alipay: …'))
    when = timezone.localtime(payout.next_attempt_at).strftime("%Y-%m-%d %H:%M")
    assert (
        "No answer from Alipay after 1 attempt; it is asked again at " + when
    ) in html
    assert payout.last_error not in html and "ProviderError" not in html
    # and once paid, the earlier error is not shown at all
    payouts_retry_due(now=timezone.now() + timedelta(hours=1))
    html = client.get("/payments/operator/payouts/").content.decode()
    assert "No answer from" not in html and "20000" not in html


def test_a_payout_paid_on_a_retry_keeps_no_error_from_before(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout whose first transfer got no answer
    merchant = _merchant_with_payable(50_000)
    fake_alipay.fail_next.append({"code": "20000", "msg": "Service Unavailable"})
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 10_000)
    payout.refresh_from_db()
    assert payout.last_error
    # when the retry job pays it
    assert payouts_retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    # then it is paid with no error left to read, its attempts still counted
    payout.refresh_from_db()
    assert (payout.status, payout.last_error, payout.attempts) == ("succeeded", "", 1)
    assert (payout.next_attempt_at, payout.failure_reason) == (None, "")


def test_a_payout_larger_than_the_payable_is_refused(fake_alipay):
    merchant = _merchant_with_payable(5_000)
    with translation.override("en"), pytest.raises(InsufficientFunds) as refused:
        _pay(merchant, 5_001)
    # said in yuan, of the shop, not in fen of a ledger account
    assert refused.value.code == "payout_above_balance"
    assert refused.value.status == 409
    assert refused.value.message == (
        f"{merchant.name_en} has ¥50.00 to pay out; ¥50.01 is more than that."
    )
    assert refused.value.fields == {"amount_fen": ["At most ¥50.00."]}
    assert refused.value.extra == {"available_fen": 5_000}
    assert Payout.objects.count() == 0
    assert _payable(merchant) == 5_000
    assert fake_alipay.transfers == {}


@pytest.mark.parametrize("who", ["shopper", "merchant_owner"])
def test_only_operators_approve_payouts(fake_alipay, who):
    merchant = _merchant_with_payable(5_000)
    if who == "shopper":
        actor = make_user()
    else:  # even the merchant's own owner cannot pay itself out
        actor = make_merchant_member(merchant=merchant).user
    with pytest.raises(NotFound):
        _pay(merchant, 1_000, actor=actor)
    assert Payout.objects.count() == 0
    assert _payable(merchant) == 5_000


def test_an_operator_approves_a_payout_on_the_page(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    merchant = _merchant_with_payable(50_000)
    password_confirmed_session(client, _operator())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/operator/payouts/",
            {
                "merchant": merchant.public_id,
                "amount_fen": "200.00",
                "provider": "alipay",
                "payee_account": "merchant@example.com",
            },
        )
    assert response.status_code == 302
    assert Payout.objects.get().status == "succeeded"
    page = client.get("/payments/operator/payouts/")
    assert Payout.objects.get().public_id in page.content.decode()


def test_the_payout_form_sent_twice_pays_once(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given the payout form as the page shows it, with its one-time key
    merchant = _merchant_with_payable(50_000)
    password_confirmed_session(client, _operator())
    page = client.get(f"/payments/operator/payouts/?merchant={merchant.public_id}")
    key = page.context["form"].initial["idempotency_key"]
    assert f'name="idempotency_key" value="{key}"' in page.content.decode()
    form = {
        "merchant": merchant.public_id,
        "amount_fen": "200.00",
        "provider": "alipay",
        "payee_account": "merchant@example.com",
        "idempotency_key": key,
    }
    # when it is sent twice (a double click, the back button and send again)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/payments/operator/payouts/", form)
        second = client.post("/payments/operator/payouts/", form)
    # then one payout is made and paid, and ¥200 left the payable once
    assert (first.status_code, second.status_code) == (302, 302)
    assert Payout.objects.count() == 1
    assert len(fake_alipay.transfers) == 1
    assert _payable(merchant) == 30_000
    # and the next form shown has a new key, for the next payout
    again = client.get(f"/payments/operator/payouts/?merchant={merchant.public_id}")
    assert again.context["form"].initial["idempotency_key"] != key


def test_an_approval_sent_again_returns_its_payout_and_is_not_reused(fake_alipay):
    merchant = _merchant_with_payable(50_000)
    operator, other_operator = _operator(), _operator()

    def approve(amount_fen, actor=operator, key="key-1"):
        return payout_create(
            actor=actor,
            merchant=merchant,
            amount_fen=amount_fen,
            provider_name="alipay",
            payee_account="merchant@example.com",
            idempotency_key=key,
        )

    first = approve(10_000)
    # the same approval again: the same payout, nothing more paid
    assert approve(10_000) == first
    assert _payable(merchant) == 40_000
    # the key sent with another amount is refused, not taken as a new payout
    with pytest.raises(EscrowError) as refused:
        approve(20_000)
    assert (refused.value.code, refused.value.status) == ("idempotency_key_reused", 409)
    # a new key, or another operator's form, is another payout
    assert approve(10_000, key="key-2") != first
    assert approve(10_000, actor=other_operator) != first
    assert Payout.objects.count() == 3
    assert _payable(merchant) == 20_000


def test_a_too_large_payout_on_the_page_is_a_form_error(client, fake_alipay):
    merchant = _merchant_with_payable(1_000)
    password_confirmed_session(
        client, make_user(is_staff=True, preferred_language="en")
    )
    response = client.post(
        "/payments/operator/payouts/",
        {
            "merchant": merchant.public_id,
            "amount_fen": "10.01",
            "provider": "alipay",
            "payee_account": "merchant@example.com",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="form-errors"' in page
    # in yuan, of the shop (it said "Not enough money in Merchant payable · …
    # to move 1001 fen.")
    assert (
        f"{merchant.name_en} has ¥10.00 to pay out; ¥10.01 is more than that." in page
    )
    assert "At most ¥10.00." in page
    assert "fen." not in page and "Merchant payable" not in page
    # what the operator typed is kept, to correct
    assert 'value="10.01"' in page and f'value="{merchant.public_id}"' in page
    assert Payout.objects.count() == 0


@pytest.mark.parametrize("who", ["shopper", "merchant_owner"])
def test_the_operator_payout_page_is_404_to_others(client, fake_alipay, who):
    merchant = _merchant_with_payable(5_000)
    user = make_user() if who == "shopper" else make_merchant_member().user
    client.force_login(user)
    assert client.get("/payments/operator/payouts/").status_code == 404
    posted = client.post(
        "/payments/operator/payouts/",
        {"merchant": merchant.public_id, "amount_fen": "1.00", "provider": "alipay"},
    )
    assert posted.status_code == 404
    assert Payout.objects.count() == 0


def test_a_merchant_sees_its_own_payouts_and_nobody_elses(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout to one merchant
    merchant = _merchant_with_payable(5_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout = _pay(merchant, 1_000)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    own = make_merchant_member(merchant=merchant).user
    other_merchant = make_merchant_member().user
    shopper = make_user()
    # then its staff see it; another merchant's staff and shoppers get 403, as
    # on the console's other owners' pages (404 until 2026-12-06)
    client.force_login(own)
    assert payout.public_id in client.get(url).content.decode()
    for intruder in (other_merchant, shopper):
        client.force_login(intruder)
        assert client.get(url).status_code == 403
    assert client.get(url.replace(merchant.public_id, "mer_none")).status_code == 404


@pytest.mark.parametrize(
    ("merchant_id", "amount", "status", "field"),
    [
        ("mer_nosuchmerchant", "1.00", 404, "merchant"),
        (None, "12.345", 400, "amount_fen"),
        (None, "-5", 400, "amount_fen"),
    ],
)
def test_a_payout_form_with_a_mistake_says_where_and_writes_nothing(
    client, fake_alipay, merchant_id, amount, status, field
):
    merchant = _merchant_with_payable(5_000)
    password_confirmed_session(client, _operator())
    response = client.post(
        "/payments/operator/payouts/",
        {
            "merchant": merchant_id or merchant.public_id,
            "amount_fen": amount,
            "provider": "alipay",
            "payee_account": "merchant@example.com",
        },
    )
    assert response.status_code == status
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Payout.objects.count() == 0
    assert _payable(merchant) == 5_000


def test_pay_out_beside_a_merchant_fills_in_the_form(client, fake_alipay):
    merchant = _merchant_with_payable(12_345)
    client.force_login(_operator())
    page = client.get(f"/payments/operator/payouts/?merchant={merchant.public_id}")
    html = page.content.decode()
    assert f'name="merchant" value="{merchant.public_id}"' in html
    assert 'value="123.45"' in html


def test_no_pay_out_button_where_no_provider_can_pay_merchants(client, settings):
    # no provider is switched on (the sandbox pays merchants since 2026-12-06)
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    merchant = _merchant_with_payable(5_000)
    client.force_login(_operator())
    page = client.get("/payments/operator/payouts/").content.decode()
    assert f'id="payable-{merchant.public_id}"' in page
    assert "pay-out" not in page and 'id="payout-form"' not in page


def _merchant_cell(html: str, merchant) -> str:
    row = html.split(f'id="payable-{merchant.public_id}"', 1)[1].split("</tr>", 1)[0]
    return row.split("</td>", 1)[0]


def test_the_payables_name_each_shop_by_its_name_and_owner_not_its_number(
    client, fake_alipay
):
    # given a shop owed money, with an owner, and one with none yet
    merchant = _merchant_with_payable(5_000)
    owner = make_merchant_member(merchant=merchant).user
    owner.display_name = "Wang"
    owner.save(update_fields=["display_name"])
    ownerless = _merchant_with_payable(3_000)
    operator = _operator()
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    client.force_login(operator)
    # when the operator opens the payouts page
    html = client.get("/payments/operator/payouts/").content.decode()
    # then each shop reads as its name and its owner, with the phone masked
    # (until 2026-12-06 its internal number, mer_…, stood under its name)
    cell = _merchant_cell(html, merchant)
    assert merchant.name in cell and merchant.name_en in cell
    masked = owner.phone[:-8] + "****" + owner.phone[-4:]
    assert f"Owner: Wang {masked}" in cell
    assert merchant.public_id not in cell and owner.phone not in cell
    assert "No owner yet" in _merchant_cell(html, ownerless)


def test_the_payables_read_their_owners_in_a_fixed_number_of_queries(
    client, fake_alipay
):
    client.force_login(_operator())
    make_merchant_member(merchant=_merchant_with_payable(5_000))
    with CaptureQueriesContext(connection) as one:
        client.get("/payments/operator/payouts/")
    for _ in range(3):
        make_merchant_member(merchant=_merchant_with_payable(5_000))
    with CaptureQueriesContext(connection) as four:
        client.get("/payments/operator/payouts/")
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_merchants_payouts_page_says_what_is_owed_now(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a shop owed ¥50.00, ¥10.00 of it paid out already
    merchant = _merchant_with_payable(5_000)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(merchant, 1_000)
    owner = make_merchant_member(merchant=merchant).user
    client.force_login(owner)
    # when its owner opens the payouts page
    response = client.get(f"/payments/merchant/{merchant.public_id}/payouts/")
    # then it says what a payout would pay now, as the dashboard does
    assert response.context["payable_fen"] == 4_000 == _payable(merchant)
    page = response.content.decode()
    assert '<div class="value" id="merchant-payable">¥40.00</div>' in page


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_the_payouts_list_names_the_shop_as_the_operator_reads(
    client, fake_alipay, language, shown, hidden
):
    # given a payout to a shop with an English name
    merchant = _merchant_with_payable(50_000)
    merchant.name, merchant.name_en = "鲜果铺", "Fresh Fruit"
    merchant.save(update_fields=["name", "name_en"])
    payout = _pay(merchant, 10_000)
    # when an operator reading the language opens the payouts page
    client.force_login(make_user(is_staff=True, preferred_language=language))
    html = client.get(
        "/payments/operator/payouts/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    # then the payout's row names the shop as they read it
    row = html.split(f'<tr id="payout-{payout.public_id}">')[1].split("</tr>")[0]
    assert shown in row and hidden not in row
