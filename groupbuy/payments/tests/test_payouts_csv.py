"""The operator's payouts as CSV (?format=csv on the payouts page): one row a
payout, money in yuan, the payee account masked as on the page; anyone but an
operator gets nothing."""

import csv
import io

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.exports import PAYOUTS_CSV_HEADER
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _pay

pytestmark = pytest.mark.django_db

URL = "/payments/operator/payouts/"


def test_the_csv_gives_every_payout_with_its_account_masked(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given two payouts, one paid and one refused
    merchant = _merchant_with_payable(50_000)
    fake_alipay.accounts.add("shop@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        failed = _pay(merchant, 30_000, payee="6222020200112233")
        paid = _pay(merchant, 1_050, payee="shop@example.com")
    client = Client()
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    # when an operator opens the page and downloads its CSV
    page = client.get(URL).content.decode()
    response = client.get(URL, {"format": "csv"})
    # then the page links it, and the file has a row a payout, newest first
    assert 'href="?format=csv" id="payouts-csv"' in page
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="payouts-' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == PAYOUTS_CSV_HEADER
    assert [row[:8] for row in rows] == [
        [
            paid.public_id,
            merchant.public_id,
            merchant.name,
            "10.50",
            "0.00",
            "alipay",
            "s****@example.com",
            "succeeded",
        ],
        [
            failed.public_id,
            merchant.public_id,
            merchant.name,
            "300.00",
            "0.00",
            "alipay",
            "****2233",
            "failed",
        ],
    ]
    assert "6222020200112233" not in text


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_csv_is_404_to_anyone_but_operators(who, fake_alipay):
    # given a payout and someone who is no operator
    _pay(_merchant_with_payable(5_000), 1_000)
    user = make_user() if who == "shopper" else make_merchant_member(role=who).user
    client = Client()
    client.force_login(user)
    # when they ask for the CSV, then there is none
    assert client.get(URL, {"format": "csv"}).status_code == 404


def test_a_visitor_is_sent_to_sign_in():
    answer = Client().get(URL, {"format": "csv"})
    assert answer.status_code == 302
    assert "next=/payments/operator/payouts/" in answer["Location"]


def test_what_a_provider_wrote_never_runs_as_a_formula(
    fake_alipay, django_capture_on_commit_callbacks
):
    from groupbuy.payments.exports import payouts_csv
    from groupbuy.payments.models import Payout

    # given a refused payout whose provider's words start like a formula
    merchant = _merchant_with_payable(50_000)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(merchant, 30_000, payee="6222020200112233")
    Payout.objects.update(
        failure_reason='=HYPERLINK("http://evil.example","refund")',
        provider_reference="+1+cmd",
    )
    # when the operator's CSV is written
    rows = list(csv.reader(io.StringIO(payouts_csv(Payout.objects.all()))))
    # then both are text
    row = dict(zip(PAYOUTS_CSV_HEADER, rows[1], strict=True))
    assert row["failure_reason"] == '\'=HYPERLINK("http://evil.example","refund")'
    assert row["provider_reference"] == "'+1+cmd"
