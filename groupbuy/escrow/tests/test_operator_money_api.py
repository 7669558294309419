"""The operator dashboard's money tiles over the API: "Money held in escrow"
and "Owed to merchants", the same figures, operators only (e2 findings item
14)."""

from __future__ import annotations

import re

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant, make_merchant_member
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.ledger import kind_totals_refresh
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.tests.factories import make_user

pytestmark = pytest.mark.django_db

API = "/api/escrow/operator/money"


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _money() -> None:
    """¥12.34 held for a shopper and ¥56.78 owed to a shop, summed."""
    shopper, merchant = make_user(), make_merchant()
    external = ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
    ledger.ledger_post(
        kind="test.money",
        idempotency_key="operator-money",
        entries=[
            (external, -(1_234 + 5_678)),
            (ledger.shopper_held_account(user=shopper), 1_234),
            (ledger.merchant_payable_account(merchant=merchant), 5_678),
        ],
    )
    kind_totals_refresh()


def test_an_operator_reads_the_dashboards_money_tiles(client):
    # given
    _money()
    operator = make_user(is_staff=True)
    # when the operator reads the API and the dashboard
    body = client.get(API, headers=_auth(operator)).json()
    client.force_login(operator)
    page = client.get("/operator/").content.decode()
    # then they give the same figures
    assert (body["shopper_held_fen"], body["merchant_payable_fen"]) == (1_234, 5_678)
    assert body["totals_computed_at"]
    for dom_id, amount in (
        ("operator-money-held", 1_234),
        ("operator-merchant-payable", 5_678),
    ):
        shown = re.search(rf'id="{dom_id}">([^<]*)<', page).group(1)
        assert shown == format_fen(amount)


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_money_tiles_are_403_to_anyone_but_operators(client, who):
    _money()
    user = make_user() if who == "shopper" else make_merchant_member(role=who).user
    response = client.get(API, headers=_auth(user))
    assert response.status_code == 403
    assert "5678" not in response.content.decode()
