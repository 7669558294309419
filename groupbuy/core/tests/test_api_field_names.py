"""An error's ``fields`` name what the client sent: a body's field names and the
query's parameter names, never Ninja's location (``query.status``) nor the
name a service gives what it was handed (``branch`` for ``branch_id``).

A sample across the apps, each refusal walked through the same check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.pooling.tests.factories import make_promotion

pytestmark = pytest.mark.django_db


def _headers(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _sent_names(body: dict | None, query: dict | None) -> set[str]:
    return set(body or {}) | set(query or {})


def _assert_fields_named_as_sent(response, *, body=None, query=None) -> dict:
    assert 400 <= response.status_code < 500, response.content
    fields = response.json()["fields"]
    assert fields, response.json()
    # A nested value is named by its path from a field sent (tiers.0.price_fen).
    named = {name.split(".")[0] for name in fields}
    assert named <= _sent_names(body, query), fields
    return fields


def _owner_with_a_cashier():
    owner = make_merchant_member(role=MerchantMembership.Role.OWNER)
    cashier = make_merchant_member(
        merchant=owner.merchant, role=MerchantMembership.Role.CASHIER
    )
    owner.user.preferred_language = "en"
    owner.user.save(update_fields=["preferred_language"])
    return owner, cashier


def test_a_query_parameter_is_named_as_sent_not_by_its_location(client):
    user = make_user(preferred_language="en")
    for path, query in (
        ("/api/notify/notifications", {"page_size": "1000"}),
        ("/api/notify/notifications", {"page": "first"}),
    ):
        response = client.get(path, query, headers=_headers(user))
        assert response.status_code == 422
        assert set(_assert_fields_named_as_sent(response, query=query)) == set(query)


def test_a_merchants_deal_filter_is_named_state_or_status_as_sent(client):
    owner, _cashier = _owner_with_a_cashier()
    url = f"/api/deals/merchants/{owner.merchant.public_id}/deals"
    for name in ("state", "status"):
        response = client.get(url, {name: "bogus"}, headers=_headers(owner.user))
        assert _assert_fields_named_as_sent(response, query={name: "bogus"}).keys() == {
            name
        }
        assert response.json()["message"].startswith(f"{name}: ")


def test_a_body_field_of_the_wrong_type_is_named_by_its_path(client):
    owner, _cashier = _owner_with_a_cashier()
    body = {
        "merchant_id": owner.merchant.public_id,
        "title": "Spend more",
        "kind": "threshold",
        "tiers": [[20_000, "lots"]],
        "starts_at": timezone.now().isoformat(),
        "ends_at": (timezone.now() + timedelta(days=1)).isoformat(),
    }
    response = client.post(
        "/api/pooling/promotions",
        body,
        content_type="application/json",
        headers=_headers(owner.user),
    )
    assert response.status_code == 422
    assert list(_assert_fields_named_as_sent(response, body=body)) == ["tiers.0.1"]


def test_a_staff_branch_refusal_is_on_branch_id(client):
    owner, cashier = _owner_with_a_cashier()
    elsewhere = make_branch(name="Elsewhere")
    body = {"role": "cashier", "branch_id": elsewhere.public_id}
    response = client.patch(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff/"
        f"{cashier.user.public_id}",
        body,
        content_type="application/json",
        headers=_headers(owner.user),
    )
    assert response.status_code == 400
    assert _assert_fields_named_as_sent(response, body=body) == {
        "branch_id": ["That branch belongs to another merchant."]
    }
    invite = {"phone": "+8613800138999", "role": "owner", "branch_id": None}
    invite["branch_id"] = make_branch(merchant=owner.merchant).public_id
    response = client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
        invite,
        content_type="application/json",
        headers=_headers(owner.user),
    )
    assert response.status_code == 400
    assert list(_assert_fields_named_as_sent(response, body=invite)) == ["branch_id"]


def test_a_pool_request_at_a_branch_the_promotion_skips_is_on_branch_id(client):
    owner, _cashier = _owner_with_a_cashier()
    here = make_branch(merchant=owner.merchant, name="Here")
    there = make_branch(merchant=owner.merchant, name="There")
    promotion = make_promotion(merchant=owner.merchant, branch=here, owner=owner.user)
    body = {
        "promotion_id": promotion.public_id,
        "branch_id": there.public_id,
        "amount_fen": 10_000,
        "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    response = client.post(
        "/api/pooling/requests",
        body,
        content_type="application/json",
        headers=_headers(make_user(preferred_language="en")),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_branch"
    assert list(_assert_fields_named_as_sent(response, body=body)) == ["branch_id"]
