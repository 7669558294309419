"""The acceptance race on PostgreSQL: 200 joins for 50 units, then 50 payments
(whose last one sells the deal out and closes it early).

Each thread has its own connection. The shared server allows 100 connections
in all, so at most 40 threads hold one at a time; the 200 still contend for
the same deal row, which PostgreSQL locks and re-checks (``sold + n <= stock``)
for every waiting UPDATE.
"""

from collections import Counter

import pytest
from django.db.models import Sum

from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user, pay
from groupbuy.deals.tests.racing import race
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerEntry

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
MAX_CONNECTIONS = 40


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_joins_sell_exactly_50_and_the_ledger_balances():
    # given
    deal = make_deal(stock=50, tiers=[(10, 9_900), (40, 8_900)])
    shoppers = [make_user() for _ in range(200)]
    # when 200 shoppers join at once
    outcomes = race(
        [
            lambda shopper=shopper: deal_join(actor=shopper, deal=deal, quantity=1)
            for shopper in shoppers
        ],
        max_connections=MAX_CONNECTIONS,
    )
    # then exactly 50 units are sold and 150 are told it is sold out
    assert outcomes == Counter({"ok": 50, "sold_out": 150})
    deal.refresh_from_db()
    assert deal.sold == 50
    orders = list(DealOrder.objects.filter(deal=deal).select_related("payment_intent"))
    assert len(orders) == 50
    # when the 50 winners' payments land at once
    paid = race(
        [lambda order=order: pay(order) for order in orders],
        max_connections=MAX_CONNECTIONS,
    )
    # then every fen is accounted for
    assert paid == Counter({"ok": 50})
    unbalanced = (
        LedgerEntry.objects.values("transaction_id")
        .annotate(total=Sum("amount_fen"))
        .exclude(total=0)
    )
    assert list(unbalanced) == []
    balances = ledger.balance_totals_by_kind()
    assert balances["external"] == -50 * 9_900
    assert balances["gateway_clearing"] == 0
    assert (
        not ledger.with_balances(LedgerAccount.objects.exclude(kind="external"))
        .filter(current_balance_fen__lt=0)
        .exists()
    )
    # and the last payment sold the deal out, so it closed early at ≥40 buyers
    # (89.00): 50 × 89.00 went to the merchant and platform, 50 × 10.00 back
    deal.refresh_from_db()
    assert (deal.state, deal.final_price_fen) == ("settled", 8_900)
    assert balances["shopper_held"] == 0
    assert balances["merchant_payable"] + balances["platform_revenue"] == 445_000
    assert balances["refunds_paid"] == 50_000
