"""Racing joins on SQLite: many threads, small stock, never oversold.

Each thread uses its own database connection (Django gives every thread one)
and closes it when done. SQLite serialises writers (BEGIN IMMEDIATE plus the
busy timeout), so this checks that the conditional UPDATE and the order insert
hold together under contention and that every loser gets a clean sold_out.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_create, deal_join
from groupbuy.deals.tests.factories import (
    make_deal,
    make_listed_product,
    make_merchant,
    make_user,
)
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.models import PaymentIntent


def _joins(deal, shoppers, quantity=1):
    return [
        lambda shopper=shopper: deal_join(actor=shopper, deal=deal, quantity=quantity)
        for shopper in shoppers
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_never_oversell_on_sqlite(file_database):
    # given 5 units and 16 shoppers arriving at the same moment
    assert connection.vendor != "sqlite" or connection.settings_dict["NAME"].endswith(
        "race.sqlite3"
    )
    deal = make_deal(stock=5, tiers=[(1, 9_900)])
    shoppers = [make_user() for _ in range(16)]
    # when
    outcomes = race(_joins(deal, shoppers))
    # then
    assert outcomes == Counter({"ok": 5, "sold_out": 11})
    deal.refresh_from_db()
    assert deal.sold == 5
    assert DealOrder.objects.count() == 5
    assert PaymentIntent.objects.count() == 5
    assert sum(DealOrder.objects.values_list("quantity", flat=True)) == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_multi_unit_joins_fill_stock_exactly(file_database):
    deal = make_deal(stock=7, tiers=[(1, 9_900)])
    shoppers = [make_user() for _ in range(10)]
    outcomes = race(_joins(deal, shoppers, quantity=2))
    # 7 units fit three orders of 2; one unit stays unsold
    assert outcomes == Counter({"ok": 3, "sold_out": 7})
    deal.refresh_from_db()
    assert deal.sold == 6


@pytest.mark.django_db(transaction=True)
def test_the_same_shopper_racing_themself_gets_one_order(file_database):
    deal = make_deal(stock=10, tiers=[(1, 9_900)])
    shopper = make_user()
    outcomes = race(_joins(deal, [shopper] * 6))
    assert outcomes == Counter({"ok": 1, "already_joined": 5})
    deal.refresh_from_db()
    assert deal.sold == 1


@pytest.mark.django_db(transaction=True)
def test_a_create_sent_at_once_with_one_key_makes_one_deal(file_database):
    # given an owner's create, sent four times at once with the same key
    owner = make_user()
    merchant = make_merchant(owner=owner)
    product = make_listed_product(merchant=merchant)
    now = timezone.now()

    def create():
        return deal_create(
            actor=owner,
            merchant=merchant,
            product=product,
            title="Jasmine tea",
            list_price_fen=12_900,
            tiers=[(10, 9_900)],
            stock=100,
            starts_at=now,
            deadline_at=now + timedelta(days=2),
            idempotency_key="launch-form-key-0001",
        )

    # when
    outcomes = race([create] * 4)

    # then every call answers with the one deal made
    assert outcomes == Counter(ok=4)
    assert Deal.objects.filter(idempotency_key="launch-form-key-0001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_api_create_sent_at_once_with_one_key_makes_one_deal(file_database):
    # given an owner's API create, sent four times at once with the same key
    from django.test import Client

    from groupbuy.accounts.services import api_token_create

    owner = make_user()
    merchant = make_merchant(owner=owner)
    product = make_listed_product(merchant=merchant)
    _token, secret = api_token_create(actor=owner)
    now = timezone.now()
    body = {
        "product_id": product.public_id,
        "title": "Jasmine tea",
        "list_price_fen": 12_900,
        "tiers": [{"min_participants": 10, "price_fen": 9_900}],
        "stock": 100,
        "starts_at": now.isoformat(),
        "deadline_at": (now + timedelta(days=2)).isoformat(),
    }
    answers = []

    def create():
        answer = Client().post(
            f"/api/deals/merchants/{merchant.public_id}/deals",
            body,
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {secret}",
                "Idempotency-Key": "api-create-key-0001",
            },
        )
        answers.append((answer.status_code, answer.json().get("id")))

    # when
    outcomes = race([create] * 4)

    # then every request answers with the one deal made, once as created
    assert outcomes == Counter(ok=4)
    assert {status for status, _id in answers} <= {200, 201}
    assert 201 in {status for status, _id in answers}
    assert len({deal_id for _status, deal_id in answers}) == 1
    assert Deal.objects.filter(merchant=merchant).count() == 1
