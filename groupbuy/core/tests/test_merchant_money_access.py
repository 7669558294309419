"""The shop's money is its owners': who may open a merchant's balance, ledger,
sales, payouts, payout schedule, settlement statement, orders export and what
its pooling promotions did, on the pages and in the API.

The staff page promises cashiers "see orders, redeem coupons and keep the
shelf prices"; until 2026-12-05 a cashier also read all of the above (200),
and the payout schedule answered them 404 "There is no such merchant.".
"""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.payments.models import PayoutSchedule

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role

PAGES = {
    "money": "/merchant/{m}/money/",
    "sales": "/merchant/{m}/sales/",
    "orders export": "/merchant/{m}/orders/export.csv",
    "payouts": "/payments/merchant/{m}/payouts/",
    "statement": "/coupons/merchant/{m}/statement/",
    "statement csv": "/coupons/merchant/{m}/statement/?format=csv",
}
# Another merchant's owner and a shopper: 403 as on every console page (the
# payout pages answered them 404 until 2026-12-06).
OUTSIDERS_SEE_NOT_FOUND: set[str] = set()

ENDPOINTS = {
    "money": ("get", "/api/escrow/merchants/{m}/money"),
    "sales": ("get", "/api/deals/merchants/{m}/sales"),
    "payouts": ("get", "/api/payments/merchants/{m}/payouts"),
    "payout schedule": ("get", "/api/payments/merchants/{m}/payout-schedule"),
    "payout schedule put": ("put", "/api/payments/merchants/{m}/payout-schedule"),
    "statement": ("get", "/api/coupons/merchants/{m}/statement"),
    "pooling figures": ("get", "/api/pooling/merchants/{m}/figures"),
}
API_OUTSIDERS_SEE_NOT_FOUND: set[str] = set()
SCHEDULE = {"enabled": False, "payee_account": "", "minimum_fen": 10_000}


@pytest.fixture
def shop():
    """A merchant with its owner and cashier, another merchant's owner and a
    shopper, by who they are."""
    owner = make_merchant_member(user=make_user(preferred_language="en"))
    merchant = owner.merchant
    cashier = make_merchant_member(
        user=make_user(preferred_language="en"), merchant=merchant, role=Role.CASHIER
    )
    return merchant, {
        "owner": owner.user,
        "cashier": cashier.user,
        "other owner": make_merchant_member().user,
        "shopper": make_user(),
    }


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _call(user, method, url):
    client = Client()
    if method == "put":
        return client.put(
            url, SCHEDULE, content_type="application/json", headers=_bearer(user)
        )
    return client.get(url, headers=_bearer(user))


@pytest.mark.parametrize("page", PAGES)
def test_only_the_owner_opens_the_shops_money_pages(shop, page):
    # given
    merchant, people = shop
    url = PAGES[page].format(m=merchant.public_id)
    outsiders = 404 if page in OUTSIDERS_SEE_NOT_FOUND else 403
    # when
    statuses = {
        who: _page_client(user).get(url).status_code for who, user in people.items()
    }
    # then
    assert statuses == {
        "owner": 200,
        "cashier": 403,
        "other owner": outsiders,
        "shopper": outsiders,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_only_the_owner_reads_the_shops_money_in_the_api(shop, endpoint):
    # given
    merchant, people = shop
    method, path = ENDPOINTS[endpoint]
    url = path.format(m=merchant.public_id)
    outsiders = 404 if endpoint in API_OUTSIDERS_SEE_NOT_FOUND else 403
    # the body of every owners-only refusal, here listing the staff
    owners_only = _call(
        people["cashier"], "get", f"/api/catalog/merchants/{merchant.public_id}/staff"
    )
    # when
    responses = {who: _call(user, method, url) for who, user in people.items()}
    # then
    assert {who: r.status_code for who, r in responses.items()} == {
        "owner": 200,
        "cashier": 403,
        "other owner": outsiders,
        "shopper": outsiders,
    }
    assert owners_only.status_code == 403
    assert responses["cashier"].json() == owners_only.json()
    assert responses["cashier"].json()["code"] == "forbidden"
    # the owner's schedule is the only one written
    assert PayoutSchedule.objects.count() == (endpoint == "payout schedule put")


def test_a_cashiers_console_links_to_no_money_page(shop):
    # given
    merchant, people = shop
    cashier, owner = _page_client(people["cashier"]), _page_client(people["owner"])
    overview = f"/merchant/{merchant.public_id}/"
    orders = f"/merchant/{merchant.public_id}/orders/"
    coupons = f"/coupons/merchant/{merchant.public_id}/"
    money_marks = (
        'id="merchant-payable"',
        'id="merchant-nav-money"',
        'id="merchant-nav-sales"',
        'id="merchant-nav-payouts"',
        'id="merchant-nav-statement"',
    )
    # when
    pages = {"c": cashier.get(overview), "o": owner.get(overview)}
    cashier_orders = cashier.get(orders).content.decode()
    cashier_coupons = cashier.get(coupons).content.decode()
    # then: the cashier's overview has no balance and no menu item to the money
    assert pages["c"].status_code == pages["o"].status_code == 200
    for mark in money_marks:
        assert mark not in pages["c"].content.decode(), mark
        assert mark in pages["o"].content.decode(), mark
    # the till's pages still open, without the owners' downloads
    assert 'id="merchant-nav-orders"' in pages["c"].content.decode()
    assert 'id="merchant-nav-coupons"' in pages["c"].content.decode()
    assert 'id="merchant-orders"' in cashier_orders
    assert 'id="order-export"' not in cashier_orders
    assert 'id="order-export"' in owner.get(orders).content.decode()
    assert 'id="redemptions"' in cashier_coupons
    assert 'id="statement-link"' not in cashier_coupons
    assert 'id="statement-link"' in owner.get(coupons).content.decode()
