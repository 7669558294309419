"""Every error under /api/ is {"code", "message", "fields"} JSON, never HTML."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from groupbuy.accounts.models import User
from groupbuy.core.errors import api_error_response
from groupbuy.core.middleware import ApiErrorJsonMiddleware

pytestmark = pytest.mark.django_db


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_unknown_api_path_is_a_json_404(client):
    body = assert_api_error(client.get("/api/no-such-thing"), 404, "not_found")
    assert "/api/docs" in body["message"]


def test_unknown_api_path_speaks_the_request_language(client):
    response = client.get("/api/no-such-thing", headers={"Accept-Language": "zh-hans"})
    body = assert_api_error(response, 404, "not_found")
    assert body["message"].startswith("这个地址")


def test_wrong_method_is_a_json_405_that_lists_the_allowed_ones(client):
    response = client.delete("/api/health")
    body = assert_api_error(response, 405, "method_not_allowed")
    assert body["message"] == "This address does not accept DELETE requests."
    assert response["Allow"] == "GET"


def test_malformed_json_is_a_400_saying_where(client):
    # when
    response = client.post(
        "/api/auth/token", '{"phone": "138', content_type="application/json"
    )
    # then
    body = assert_api_error(response, 400, "malformed_json")
    assert body["message"] == (
        "The request body is not valid JSON (line 1, column 11)."
    )


@pytest.mark.parametrize("body", ['["junk"]', '"hello"', "1", "null"])
def test_a_body_that_is_not_an_object_is_refused_not_read_as_defaults(client, body):
    # given a shopper and an open deal
    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.tests.factories import make_deal, make_user

    deal = make_deal()
    client.force_login(make_user(preferred_language="en"))
    # when the join's body is JSON but not an object of fields
    response = client.post(
        f"/api/deals/{deal.public_id}/join", body, content_type="application/json"
    )
    # then it is refused, not a join of one unit with every field's default
    error = assert_api_error(response, 400, "malformed_json")
    assert error["message"] == (
        'The request body must be a JSON object, such as {"quantity": 1}.'
    )
    assert not DealOrder.objects.exists()


def test_nul_characters_are_dropped_from_what_a_request_sends():
    from groupbuy.api import JsonParser

    request = RequestFactory().post(
        "/api/x",
        '{"title\\u0000": "a\\u0000b", "tags": ["c\\u0000", 1], '
        '"inner": {"name": "\\u0000d"}}',
        content_type="application/json",
    )
    assert JsonParser().parse_body(request) == {
        "title": "ab",
        "tags": ["c", 1],
        "inner": {"name": "d"},
    }
    query = RequestFactory().get("/api/x", {"q": "a\x00b", "ids": ["e\x00"]}).GET
    assert JsonParser().parse_querydict(query, ["ids"], None) == {
        "q": "ab",
        "ids": ["e"],
    }


def test_malformed_json_is_explained_in_chinese(client):
    response = client.post(
        "/api/auth/token",
        "{oops",
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    body = assert_api_error(response, 400, "malformed_json")
    assert body["message"] == "请求内容不是有效的 JSON（第 1 行第 2 列）。"


def test_a_missing_field_is_explained_in_the_requests_language(client):
    response = client.post(
        "/api/auth/token",
        {"password": "x"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    body = assert_api_error(response, 422, "invalid")
    (message,) = body["fields"]["phone"]
    assert message == "此项为必填项。"
    # named with a Chinese colon (an ASCII one read as a typo there)
    assert body["message"] == f"phone：{message}"


def test_every_kind_of_bad_value_gets_a_sentence_of_ours():
    # given Pydantic's own errors for the values an API client gets wrong
    from datetime import date, datetime
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from groupbuy.core.validation_messages import validation_message

    class Shape(BaseModel):
        model_config = ConfigDict(extra="forbid")
        required: int
        whole: int
        number: float
        flag: bool
        text: str
        short: str = Field(max_length=3)
        long: str = Field(min_length=3)
        small: int = Field(le=100)
        big: int = Field(gt=0)
        items: list[int] = Field(min_length=1)
        choice: Literal["a", "b"]
        when: datetime
        day: date

    bad = {
        "whole": "lots",
        "number": "many",
        "flag": "perhaps",
        "text": 5,
        "short": "abcd",
        "long": "a",
        "small": 101,
        "big": 0,
        "items": [],
        "choice": "c",
        "when": "tomorrow",
        "day": "someday",
        "unexpected": 1,
    }
    try:
        Shape(**bad)
    except ValidationError as error:
        errors = error.errors()
    # then each is told in our words (translated), none in Pydantic's or the
    # catch-all's
    told = {".".join(map(str, e["loc"])): validation_message(e) for e in errors}
    assert set(told) == {"required", *bad}
    assert not any(e["msg"] == told[".".join(map(str, e["loc"]))] for e in errors)
    assert "This value is not valid." not in told.values()
    assert told["small"] == "Give a number of at most 100."
    assert told["short"] == "Give at most 3 characters."


def test_a_length_is_counted_in_the_plural_its_number_asks_for():
    # A required reason sent blank read "Give at least 1 characters."
    # given limits of one and of three
    from pydantic import BaseModel, Field, ValidationError

    from groupbuy.core.validation_messages import validation_message

    class Shape(BaseModel):
        reason: str = Field(min_length=1)
        code: str = Field(max_length=1)
        words: str = Field(min_length=3)
        tags: list[int] = Field(min_length=1)
        ids: list[int] = Field(max_length=1)

    # when each is broken
    try:
        Shape(reason="", code="ab", words="a", tags=[], ids=[1, 2])
    except ValidationError as error:
        told = {e["loc"][0]: validation_message(e) for e in error.errors()}
    # then each is told in the right number
    assert told == {
        "reason": "Give at least 1 character.",
        "code": "Give at most 1 character.",
        "words": "Give at least 3 characters.",
        "tags": "Give at least 1 item.",
        "ids": "Give at most 1 item.",
    }


def test_missing_body_is_a_400_missing_body(client):
    response = client.post("/api/auth/token", "", content_type="application/json")
    body = assert_api_error(response, 400, "missing_body")
    assert body["message"] == (
        "This request needs a JSON body; see /api/docs for its fields."
    )


def test_oversize_body_is_a_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/api/auth/token",
        '{"phone": "' + "1" * 2048 + '"}',
        content_type="application/json",
    )
    assert_api_error(response, 413, "too_large")


def test_middleware_turns_html_errors_under_api_into_json():
    # given a view that fails with Django's HTML 500 page
    middleware = ApiErrorJsonMiddleware(
        lambda request: HttpResponseServerError("<h1>Server Error (500)</h1>")
    )
    request = RequestFactory().get("/api/deals/")
    # when
    response = middleware(request)
    # then
    assert_api_error(response, 500, "server_error")


def test_middleware_leaves_pages_and_json_errors_alone():
    page = ApiErrorJsonMiddleware(lambda request: HttpResponse("no", status=404))
    assert page(RequestFactory().get("/deals/x/")).content == b"no"
    own = api_error_response(None, 409, "sold_out", "Only 2 left.")
    api = ApiErrorJsonMiddleware(lambda request: own)
    assert api(RequestFactory().get("/api/deals/")) is own


def test_api_error_response_is_the_documented_shape():
    response = api_error_response(None, 413, "too_large", "Too big.", {"photo": ["x"]})
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "code": "too_large",
        "message": "Too big.",
        "fields": {"photo": ["x"]},
    }


def test_signup_refuses_a_malformed_email_and_stores_nothing(client):
    # when
    response = client.post(
        "/api/auth/signup",
        {"phone": "13800138000", "password": "a long password", "email": "li@"},
        content_type="application/json",
    )
    # then
    body = assert_api_error(response, 400, "invalid_email")
    assert body["fields"] == {"email": ["Enter a valid e-mail address."]}
    assert not User.objects.exists()


def test_profile_refuses_a_malformed_email_and_keeps_the_old_one(client):
    # given
    user = User.objects.create_user("+8613800138000", "long-enough-pw")
    user.email = "li@example.com"
    user.save(update_fields=["email"])
    client.force_login(user)
    # when
    response = client.patch(
        "/api/me", {"email": "not an address"}, content_type="application/json"
    )
    # then
    assert_api_error(response, 400, "invalid_email")
    user.refresh_from_db()
    assert user.email == "li@example.com"


@pytest.mark.parametrize(
    ("language", "expected", "told"),
    [
        ("en", "'a', 'b' or 'c'", "Give one of: 'a', 'b' or 'c'."),
        ("zh-hans", "'a', 'b' or 'c'", "请从以下选一个：'a'，'b' 或 'c'。"),
        ("zh-hans", "1, 2 or 3", "请从以下选一个：1，2 或 3。"),
        ("zh-hans", "'x, y' or \"it's\"", "请从以下选一个：'x, y' 或 \"it's\"。"),
        ("zh-hans", "'only'", "请从以下选一个：'only'。"),
    ],
)
def test_the_choices_are_joined_in_the_readers_language(language, expected, told):
    # Pydantic joins a Literal's or an Enum's choices with an English "or"
    from django.utils import translation

    from groupbuy.core.validation_messages import validation_message

    error = {"type": "literal_error", "loc": ("x",), "ctx": {"expected": expected}}
    with translation.override(language):
        assert validation_message(error) == told


def test_a_malformed_idempotency_key_is_told_the_keys_rule():
    # given a schema's one-time key sent too short to be random ("k1")
    from pydantic import BaseModel, Field, ValidationError

    from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
    from groupbuy.core.validation_messages import validation_message

    class Request(BaseModel):
        idempotency_key: str = Field(pattern=IDEMPOTENCY_KEY_PATTERN)

    with pytest.raises(ValidationError) as refused:
        Request(idempotency_key="k1")
    # then the refusal says what a key is, not only that the value is not valid
    assert validation_message(refused.value.errors()[0]) == (
        "An idempotency key is 16 to 36 letters, digits, - or _."
    )
