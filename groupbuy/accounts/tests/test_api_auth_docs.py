"""The OpenAPI document says where a token is needed and where it is optional."""

from __future__ import annotations

import pytest

from groupbuy.accounts.auth import optional_auth
from groupbuy.api import api

pytestmark = pytest.mark.django_db

ANYONE: dict = {}
TOKEN_OR_SESSION = [{"BearerTokenAuth": []}, {"BrowserSessionAuth": []}]


def _operations(document: dict) -> dict[str, dict]:
    return {
        operation["operationId"]: operation
        for operations in document["paths"].values()
        for operation in operations.values()
    }


def _declared_operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def test_an_endpoint_anyone_may_call_documents_its_token_as_optional(client):
    # given the document
    document = client.get("/api/openapi.json").json()
    operations = _operations(document)

    # then a public read that recognises a token offers it, or nothing
    listings = document["paths"]["/api/catalog/merchants/{merchant_id}/listings"]
    assert listings["get"]["security"] == [*TOKEN_OR_SESSION, ANYONE]
    # while listing a product there still needs one
    assert listings["post"]["security"] == TOKEN_OR_SESSION
    # and every operation declared with the optional auth says so, no other
    # (an operation named explicitly is documented by that name, as Ninja does)
    optional = {
        operation.operation_id or api.get_openapi_operation_id(operation)
        for operation in _declared_operations()
        if operation.auth_callbacks == optional_auth
    }
    assert optional
    documented_optional = {
        operation_id
        for operation_id, operation in operations.items()
        if ANYONE in operation.get("security", [])
    }
    assert documented_optional == optional


def test_who_may_call_is_unchanged(client):
    # an endpoint documented as open to anyone answers without a token
    response = client.get("/api/catalog/merchants/mer_nosuchmerchant00/listings")
    assert response.status_code == 404
    # and one that needs a token still refuses without it
    refused = client.post(
        "/api/catalog/merchants/mer_nosuchmerchant00/listings",
        {"product_id": "prd_x", "price_fen": 100},
        content_type="application/json",
    )
    assert refused.status_code == 401
