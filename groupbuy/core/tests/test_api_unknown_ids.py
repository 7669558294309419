"""An id sent in a request's body or query that names nothing the caller may
use is a 400 ``invalid`` on that field; an id in the address that names
nothing stays a 404. A sample across the apps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_product,
)
from groupbuy.deals.models import Deal

pytestmark = pytest.mark.django_db

UNKNOWN = "prd_doesnotexist0000"
MESSAGE = "Nothing with this id can be used here: check the id sent."


def _headers(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _owner():
    owner = make_merchant_member(role=MerchantMembership.Role.OWNER)
    owner.user.preferred_language = "en"
    owner.user.save(update_fields=["preferred_language"])
    make_branch(merchant=owner.merchant)
    return owner


def _deal_body(product_id: str) -> dict:
    now = timezone.now()
    return {
        "product_id": product_id,
        "title": "Tea for the street",
        "list_price_fen": 12_900,
        "tiers": [{"min_participants": 10, "price_fen": 9_900}],
        "stock": 100,
        "starts_at": now.isoformat(),
        "deadline_at": (now + timedelta(days=1)).isoformat(),
    }


def _post(client, url, body, user):
    return client.post(
        url, body, content_type="application/json", headers=_headers(user)
    )


def _assert_refused_on(response, field: str, message: str = MESSAGE) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {field: [message]}


def test_an_unknown_product_in_a_new_deal_is_a_400_on_product_id(client):
    owner = _owner()
    url = f"/api/deals/merchants/{owner.merchant.public_id}/deals"
    _assert_refused_on(
        _post(client, url, _deal_body(UNKNOWN), owner.user), "product_id"
    )
    assert not Deal.objects.exists()
    # while a merchant in the address that is not there is still a 404
    missing = _post(
        client,
        "/api/deals/merchants/mer_doesnotexist0000/deals",
        _deal_body(make_product().public_id),
        owner.user,
    )
    assert missing.status_code == 404


def test_an_unknown_product_in_a_new_listing_is_a_400_on_product_id(client):
    owner = _owner()
    url = f"/api/catalog/merchants/{owner.merchant.public_id}/listings"
    body = {"product_id": UNKNOWN, "price_fen": 1_290}
    _assert_refused_on(_post(client, url, body, owner.user), "product_id")


def test_an_unknown_branch_for_a_staff_member_is_a_400_on_branch_id(client):
    owner = _owner()
    url = f"/api/catalog/merchants/{owner.merchant.public_id}/staff"
    body = {"phone": "+8613800138998", "role": "cashier", "branch_id": "br_nope"}
    _assert_refused_on(_post(client, url, body, owner.user), "branch_id")


def test_another_merchants_branch_for_a_promotion_is_a_400_on_branch_id(client):
    owner = _owner()
    elsewhere = make_branch()
    now = timezone.now()
    body = {
        "merchant_id": owner.merchant.public_id,
        "branch_id": elsewhere.public_id,
        "title": "Spend more",
        "kind": "threshold",
        "tiers": [[20_000, 2_000]],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
    }
    response = _post(client, "/api/pooling/promotions", body, owner.user)
    _assert_refused_on(
        response, "branch_id", "That branch belongs to another merchant."
    )
    body["branch_id"] = "br_nope"
    _assert_refused_on(
        _post(client, "/api/pooling/promotions", body, owner.user), "branch_id"
    )


def test_an_unknown_category_in_a_demand_search_query_is_a_400_on_it(client):
    owner = _owner()
    response = client.get(
        "/api/demands/merchant/search",
        {"merchant_id": owner.merchant.public_id, "category_id": "cat_nope"},
        headers=_headers(owner.user),
    )
    _assert_refused_on(response, "category_id")
