"""A JSON body's booleans and numbers are taken only as JSON writes them.

Pydantic's lax mode read ``"accept": "no"`` as false, ``"accept": 1`` as true
and ``"quantity": "2"`` or ``true`` as numbers: a client with such a bug was
never told (``groupbuy/core/api_types.py``)."""

import types
import typing

import pytest
from pydantic import BaseModel
from pydantic.types import Strict

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests import factories
from groupbuy.deals.tests.factories import make_deal

_UNIONS = (typing.Union, types.UnionType)


def _scalars(annotation, metadata=()):
    """Yield (type, is_strict) for every scalar an annotation takes."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        yield from _scalars(base, (*metadata, *extra))
        return
    arguments = typing.get_args(annotation)
    if arguments:
        for argument in arguments:
            yield from _scalars(argument, metadata if origin in _UNIONS else ())
        return
    yield annotation, any(isinstance(item, Strict) for item in metadata)


def _lax_fields(model, seen: set) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    lax = []
    for name, field in model.model_fields.items():
        for kind, is_strict in _scalars(field.annotation, tuple(field.metadata)):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                lax += _lax_fields(kind, seen)
            elif kind in (bool, int, float) and not is_strict:
                lax.append(f"{model.__module__}.{model.__qualname__}.{name}")
    return lax


def test_every_json_body_takes_booleans_and_numbers_strictly():
    # given every operation's JSON body (query, path and form values are text)
    from groupbuy.api import api

    seen: set = set()
    lax = []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if model.__ninja_param_source__ == "body":
                        lax += _lax_fields(model, seen)
    # then each bool, int and float is one of core.api_types'
    assert seen, "no body was found: the walk no longer sees Ninja's operations"
    assert sorted(set(lax)) == []


def _shopper_headers():
    shopper = factories.make_user(preferred_language="en")
    _token, secret = api_token_create(actor=shopper)
    return {"Authorization": f"Bearer {secret}"}


def _join(client, deal, body, headers):
    return client.post(
        f"/api/deals/{deal.public_id}/join",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "told"),
    [
        ("1", "Give a number, without quotes."),
        ("many", "Give a whole number."),
        (True, "Give a whole number."),
        (1.0, "Give a whole number."),
    ],
)
def test_a_quantity_that_is_not_a_json_integer_is_refused(client, quantity, told):
    # given
    deal = make_deal()
    headers = _shopper_headers()
    # when
    response = _join(client, deal, {"quantity": quantity}, headers)
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": f"quantity: {told}",
        "fields": {"quantity": [told]},
    }
    assert not DealOrder.objects.filter(deal=deal).exists()


@pytest.mark.django_db
def test_a_json_integer_quantity_is_taken(client):
    deal = make_deal()
    response = _join(client, deal, {"quantity": 1}, _shopper_headers())
    assert response.status_code == 201
    assert response.json()["order"]["quantity"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "told"),
    [
        ("yes", "Give true or false."),
        ("true", "Give true or false, without quotes."),
        ("false", "Give true or false, without quotes."),
        (1, "Give true or false."),
        (0, "Give true or false."),
    ],
)
def test_a_boolean_that_is_not_json_true_or_false_is_refused(client, accept, told):
    # when a pool is answered with what lax parsing read as a boolean
    response = client.post(
        "/api/pooling/pools/pool_unknown/answer",
        {"accept": accept},
        content_type="application/json",
        headers=_shopper_headers(),
    )
    # then the body is refused before the pool is even looked up
    assert response.status_code == 422
    assert response.json()["fields"] == {"accept": [told]}
