"""The pooling API's numbers: out-of-range ones are a 422 naming the field before
any service runs, nothing is written, and OpenAPI states the limits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from groupbuy.api import api
from groupbuy.pooling.models import CartReport, PoolingProfile, PoolRequest, Promotion
from groupbuy.pooling.schemas import MAX_FEN, MAX_TIERS
from groupbuy.pooling.tests import factories
from groupbuy.pooling.tests.factories import auth, make_promotion

pytestmark = pytest.mark.django_db

API = "/api/pooling"


def make_user(**extra):
    """A user reading English: the API answers a token user in their saved
    language, and these tests compare its English messages."""
    return factories.make_user(**{"preferred_language": "en", **extra})


def make_shop():
    merchant, branch, owner = factories.make_shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    return merchant, branch, owner


@pytest.fixture
def world():
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    return {
        "merchant": merchant,
        "branch": branch,
        "owner": owner,
        "promotion": promotion,
        "shopper": make_user(),
    }


def _send(client, method, path, data, user):
    with override("en"):
        return getattr(client, method)(
            f"{API}{path}", data, content_type="application/json", headers=auth(user)
        )


def _promotion(world, **overrides):
    now = timezone.now()
    return {
        "merchant_id": world["merchant"].public_id,
        "title": "满200减20",
        "kind": "threshold",
        "tiers": [[20_000, 2_000]],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        **overrides,
    }


def _cart(world, **overrides):
    now = timezone.now()
    return {
        "branch_id": world["branch"].public_id,
        "amount_fen": 10_000,
        "window_start_at": (now + timedelta(hours=1)).isoformat(),
        "window_end_at": (now + timedelta(hours=2)).isoformat(),
        **overrides,
    }


def _request(world, **overrides):
    return {
        "promotion_id": world["promotion"].public_id,
        "branch_id": world["branch"].public_id,
        "amount_fen": 10_000,
        "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
        **overrides,
    }


PERCENT = "second_item_percent"
AT_LEAST_MINUS_90 = "Give a number of at least -90.0."
AT_MOST_180 = "Give a number of at most 180.0."
AT_MOST_MAX_FEN = f"at most {MAX_FEN}"

TIER_CASES = [
    # a negative threshold used to be told "each tier must save less than it
    # asks to spend"; one past any cart's amount was published
    ([[-20_000, -2_000]], "tiers.0.0", "Give a number of at least 1."),
    ([[20_000, -2_000]], "tiers.0.1", "Give a number of at least 1."),
    ([[20_000, 0]], "tiers.0.1", "Give a number of at least 1."),
    ([[10**30, 10**29]], "tiers.0.0", f"Give a number of at most {MAX_FEN}."),
    ([[20_000, MAX_FEN + 1]], "tiers.0.1", f"Give a number of at most {MAX_FEN}."),
    (
        [[1_000 * n, n] for n in range(1, MAX_TIERS + 2)],
        "tiers",
        f"Give at most {MAX_TIERS} items.",
    ),
]


@pytest.mark.parametrize(("tiers", "field", "message"), TIER_CASES)
def test_promotion_tiers_out_of_range_are_422_and_publish_nothing(
    client, world, tiers, field, message
):
    # given a shop with one promotion
    # when its owner publishes one whose tiers are out of range
    response = _send(
        client, "post", "/promotions", _promotion(world, tiers=tiers), world["owner"]
    )
    # then it is refused on that field, and nothing is published
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"][field] == [message]
    assert Promotion.objects.count() == 1


def test_promotion_tiers_at_their_limits_are_published(client, world):
    tiers = [[1_000 * n, n] for n in range(1, MAX_TIERS)] + [[MAX_FEN, MAX_FEN - 1]]
    response = _send(
        client, "post", "/promotions", _promotion(world, tiers=tiers), world["owner"]
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tiers"] == tiers


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "n_for_m", "buy_n": -3, "pay_m": 2}, "buy_n", "at least 0"),
        ({"kind": "n_for_m", "buy_n": 3, "pay_m": -1}, "pay_m", "at least 0"),
        ({"kind": "n_for_m", "buy_n": 10**9, "pay_m": 2}, "buy_n", "at most 100"),
        ({"kind": "second_item", "second_item_percent": -5}, PERCENT, "at least 0"),
        ({"kind": "second_item", "second_item_percent": 101}, PERCENT, "at most 100"),
    ],
)
def test_promotion_counts_out_of_range_are_422(
    client, world, overrides, field, message
):
    payload = _promotion(world, tiers=[], **overrides)
    response = _send(client, "post", "/promotions", payload, world["owner"])
    assert response.status_code == 422
    assert response.json()["fields"][field] == [f"Give a number of {message}."]
    assert Promotion.objects.count() == 1


CART_CASES = [
    ({"amount_fen": -100}, "amount_fen", "Give a number of at least 1."),
    ({"amount_fen": 0}, "amount_fen", "Give a number of at least 1."),
    ({"amount_fen": MAX_FEN + 1}, "amount_fen", f"Give a number of at most {MAX_FEN}."),
    (
        {"amount_fen": None, "items": [{"unit_price_fen": -1, "quantity": 1}]},
        "items.0.unit_price_fen",
        "Give a number of at least 0.",
    ),
    (
        {"amount_fen": None, "items": [{"unit_price_fen": 100, "quantity": -2}]},
        "items.0.quantity",
        "Give a number of at least 1.",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), CART_CASES)
def test_cart_numbers_out_of_range_are_422_and_write_nothing(
    client, world, overrides, field, message
):
    response = _send(
        client, "post", "/carts", _cart(world, **overrides), world["shopper"]
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {field: [message]}
    assert response.json()["message"] == f"{field}: {message}"
    assert CartReport.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        *CART_CASES,
        ({"max_group_size": 1}, "max_group_size", "Give a number of at least 2."),
        ({"max_group_size": 100}, "max_group_size", "Give a number of at most 6."),
        ({"latitude": -91, "longitude": 0}, "latitude", AT_LEAST_MINUS_90),
        ({"latitude": 0, "longitude": 181}, "longitude", AT_MOST_180),
    ],
)
def test_request_numbers_out_of_range_are_422_and_write_nothing(
    client, world, overrides, field, message
):
    response = _send(
        client, "post", "/requests", _request(world, **overrides), world["shopper"]
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {field: [message]}
    assert PoolRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"max_group_size": -1}, "max_group_size", "Give a number of at least 2."),
        ({"max_group_size": 7}, "max_group_size", "Give a number of at most 6."),
        ({"max_walk_m": -100}, "max_walk_m", "Give a number of at least 0."),
        ({"max_walk_m": 10**12}, "max_walk_m", "Give a number of at most 50000."),
    ],
)
def test_profile_numbers_out_of_range_are_422_and_change_nothing(
    client, world, overrides, field, message
):
    payload = {"max_group_size": 3, "max_walk_m": 500, **overrides}
    response = _send(client, "put", "/profile", payload, world["shopper"])
    assert response.status_code == 422
    assert response.json()["fields"] == {field: [message]}
    assert not PoolingProfile.objects.filter(user=world["shopper"]).exists()


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"unit_price_fen": -100}, "lines.0.unit_price_fen", "at least 0"),
        ({"unit_price_fen": MAX_FEN + 1}, "lines.0.unit_price_fen", AT_MOST_MAX_FEN),
        ({"unit_price_fen": 100, "quantity": 0}, "lines.0.quantity", "at least 1"),
    ],
)
def test_saving_calculator_numbers_out_of_range_are_422(
    client, world, line, field, message
):
    path = f"/promotions/{world['promotion'].public_id}/saving"
    response = _send(client, "post", path, {"lines": [line]}, world["shopper"])
    assert response.status_code == 422
    assert response.json()["fields"] == {field: [f"Give a number of {message}."]}


def _properties(schemas: dict, name: str) -> dict:
    return schemas[name]["properties"]


def _integer(schema: dict) -> dict:
    """The integer branch of ``schema`` (an optional field is anyOf int/null)."""
    return next(
        (s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer"),
        {},
    )


def test_openapi_states_the_limits_of_amounts_and_tiers():
    # One build of the whole document, not one per schema looked at.
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name in ("CartIn", "RequestIn"):
        amount = _integer(_properties(schemas, name)["amount_fen"])
        assert (amount["minimum"], amount["maximum"]) == (1, MAX_FEN), name
    tiers = _properties(schemas, "PromotionIn")["tiers"]
    assert tiers["maxItems"] == MAX_TIERS
    spend_and_save = tiers["items"]["items"]
    assert (spend_and_save["minimum"], spend_and_save["maximum"]) == (1, MAX_FEN)
    line = _properties(schemas, "LineIn")
    assert line["unit_price_fen"]["minimum"] == 0
    assert line["quantity"]["minimum"] == 1
