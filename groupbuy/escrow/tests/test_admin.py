"""The ledger account admin shows balances summed from shards."""

import pytest
from django.test import Client

from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.tests.factories import make_user

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def test_the_account_admin_shows_a_platform_accounts_summed_balance():
    # given three postings into gateway clearing, on three shard rows
    external = ledger.system_account(kind=Kind.EXTERNAL)
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    for number in range(3):
        ledger.ledger_post(
            kind="in",
            idempotency_key=f"in{number}",
            entries=[(external, -1_234), (clearing, 1_234)],
        )
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    # when an operator opens the account list and the account
    listing = client.get("/admin/escrow/ledgeraccount/")
    detail = client.get(f"/admin/escrow/ledgeraccount/{clearing.pk}/change/")
    # then both show the sum, 3,702 fen, not the account row's own 0
    assert listing.status_code == detail.status_code == 200
    assert [
        account.current_balance_fen
        for account in listing.context["cl"].result_list
        if account.pk == clearing.pk
    ] == [3_702]
    assert "¥37.02" in detail.content.decode()
