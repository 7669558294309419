"""The operator's payouts page: which account each payout went to, a failed
one paid again from its own figures, the amount focused once filled in, and an
absurd amount said to be too large (e2 findings item 13)."""

from __future__ import annotations

import re

import pytest

from groupbuy.payments.models import Payout
from groupbuy.payments.tests.test_payouts import (
    _merchant_with_payable,
    _operator,
    _pay,
)

pytestmark = pytest.mark.django_db

URL = "/payments/operator/payouts/"


def _amount_input(html: str) -> str:
    return re.search(r'<input[^>]*name="amount_fen"[^>]*>', html).group(0)


def test_a_failed_payout_shows_its_account_and_is_paid_again_from_it(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout Alipay refused (an unknown account) and one it paid
    merchant = _merchant_with_payable(50_000)
    fake_alipay.accounts.add("shop@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        failed = _pay(merchant, 30_000, payee="nobody@example.com")
        paid = _pay(merchant, 1_000, payee="shop@example.com")
    failed.refresh_from_db()
    assert failed.status == Payout.Status.FAILED
    client.force_login(_operator())
    # when the operator reads the payouts
    html = client.get(URL).content.decode()
    # then each names the account it went to, masked (it named none: which
    # account was refused could not be seen), and only the failed one offers
    # "Pay again"
    row = re.search(rf'<tr id="payout-{failed.public_id}">.*?</tr>', html, re.S)
    assert "n****@example.com" in row.group(0)
    assert f'href="?again={failed.public_id}#payout-form"' in row.group(0)
    other = re.search(rf'<tr id="payout-{paid.public_id}">.*?</tr>', html, re.S)
    assert "s****@example.com" in other.group(0) and "pay-again" not in other.group(0)
    assert "nobody@example.com" not in html and "shop@example.com" not in html
    # when they press it
    again = client.get(URL, {"again": failed.public_id}).content.decode()
    # then the form is filled in as the failed payout was, its amount focused
    assert f'name="merchant" value="{merchant.public_id}"' in again
    assert 'value="300.00"' in _amount_input(again)
    assert "autofocus" in _amount_input(again)
    assert 'name="payee_account" value="nobody@example.com"' in again
    assert 'value="Fresh Mart Ltd"' in again
    assert '<option value="alipay" selected>' in again
    # and a paid payout's number fills in nothing
    blank = client.get(URL, {"again": paid.public_id}).content.decode()
    assert 'name="payee_account" value=' not in blank
    assert "autofocus" not in _amount_input(blank)


def test_pay_out_beside_a_merchant_focuses_the_amount(client, fake_alipay):
    # given
    merchant = _merchant_with_payable(12_345)
    client.force_login(_operator())
    # when the operator presses "Pay out" beside the shop
    html = client.get(URL, {"merchant": merchant.public_id}).content.decode()
    # then the filled-in amount has the focus (it was the page's body: the
    # keyboard went through the whole header again to reach the form)
    assert "autofocus" in _amount_input(html)
    # and the page opened plainly focuses nothing
    assert "autofocus" not in _amount_input(client.get(URL).content.decode())


def test_an_absurd_amount_is_said_to_be_too_large(client, fake_alipay):
    # given
    merchant = _merchant_with_payable(5_000)
    operator = _operator()
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    client.force_login(operator)
    # when
    response = client.post(
        URL,
        {
            "merchant": merchant.public_id,
            "amount_fen": "99999999999999",
            "provider": "alipay",
            "payee_account": "merchant@example.com",
        },
    )
    # then (it said "Enter an amount in yuan, such as 12.50.", though it was)
    assert response.status_code == 400
    assert response.context["form"].errors["amount_fen"] == [
        "This amount is too large."
    ]
    assert Payout.objects.count() == 0


def test_the_payout_list_shows_a_bank_card_by_its_last_four_digits(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given a payout to a card number (refused: no such account)
    card = "6222020200112233"
    merchant = _merchant_with_payable(50_000)
    with django_capture_on_commit_callbacks(execute=True):
        failed = _pay(merchant, 30_000, payee=card)
    client.force_login(_operator())
    # when the operator reads the payouts, then pays it again
    html = client.get(URL).content.decode()
    again = client.get(URL, {"again": failed.public_id}).content.decode()
    # then the list shows the last four digits only; the form that pays has
    # the number in full
    row = re.search(rf'<tr id="payout-{failed.public_id}">.*?</tr>', html, re.S)
    assert 'class="payee-account">****2233</td>' in row.group(0)
    assert card not in html
    assert f'name="payee_account" value="{card}"' in again


def test_each_payable_cell_is_one_block_beside_its_label_on_a_phone(client):
    # On a phone a table's cells are rows of their label and their content side
    # by side (.table-cards): a cell of several parts (the shop's two names, its
    # owners) made each part a column, the Chinese name one character wide.
    # given a shop owing money, with a name in English too
    merchant = _merchant_with_payable(12_345)
    merchant.name_en = "Fresh Mart"
    merchant.save(update_fields=["name_en"])
    client.force_login(_operator())
    # when the operator opens the payouts
    html = client.get(URL).content.decode()
    # then each cell of its row holds its parts in one block
    row = re.search(rf'<tr id="payable-{merchant.public_id}">.*?</tr>', html, re.S)
    cells = re.findall(r"<td[^>]*data-label=[^>]*>(.*?)</td>", row.group(0), re.S)
    merchant_cell, _payable, daily = cells
    for cell in (merchant_cell, daily):
        assert cell.startswith("<div>") and cell.endswith("</div>"), cell
    assert "Fresh Mart" in merchant_cell and "merchant-owners" in merchant_cell
