"""The payouts page's "Statement differences" over the API: the same lines,
newest day first, paged, operators only (e2 findings item 14)."""

from __future__ import annotations

from datetime import date

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.payments.models import StatementDifference

pytestmark = pytest.mark.django_db

API = "/api/payments/operator/statement-differences"


def _auth(user) -> dict:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _differences() -> tuple[StatementDifference, StatementDifference]:
    older = StatementDifference.objects.create(
        provider="alipay",
        day=date(2026, 11, 30),
        kind=StatementDifference.Kind.AMOUNT_MISMATCH,
        line_kind="payment",
        reference="pi_older",
        ledger_fen=9_900,
        provider_fen=9_800,
    )
    newer = StatementDifference.objects.create(
        provider="wechat",
        day=date(2026, 12, 1),
        kind=StatementDifference.Kind.MISSING_IN_LEDGER,
        line_kind="refund",
        reference="rf_newer",
        provider_fen=500,
    )
    return older, newer


def test_an_operator_reads_the_statement_differences_paged(client):
    # given two differences on two days
    _differences()
    headers = _auth(make_user(is_staff=True))
    # when an operator asks for the first page of one
    body = client.get(API, {"page_size": 1}, headers=headers).json()
    # then the newest day comes first, as on the payouts page, with its words
    (line,) = body["items"]
    assert {key: line[key] for key in line if key != "created_at"} == {
        "day": "2026-12-01",
        "provider": "wechat",
        "kind": "missing_in_ledger",
        "kind_label": "At the provider, not in the ledger",
        "line_kind": "refund",
        "reference": "rf_newer",
        "ledger_fen": None,
        "provider_fen": 500,
    }
    assert (body["total"], body["pages"]) == (2, 2)
    second = client.get(API, {"page_size": 1, "page": 2}, headers=headers).json()
    assert [line["reference"] for line in second["items"]] == ["pi_older"]


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_statement_differences_are_403_to_anyone_but_operators(client, who):
    # given a difference, and a shopper or a shop's owner or cashier
    _differences()
    user = make_user() if who == "shopper" else make_merchant_member(role=who).user
    # when they ask
    response = client.get(API, headers=_auth(user))
    # then they are refused, and learn nothing of the lines
    assert response.status_code == 403
    assert "pi_older" not in response.content.decode()
