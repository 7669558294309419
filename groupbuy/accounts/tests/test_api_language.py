"""API answers in a token user's saved language, as the web does for session
users: the saved language wins over Accept-Language unless the person just
switched it with the language cookie. An unknown address (or method), refused
before any endpoint reads the token, answers in it too (core.middleware);
without a usable token it answers in the request's language."""

import pytest
from django.utils import translation

from groupbuy.accounts import services
from groupbuy.accounts.tests.helpers import make_user

pytestmark = pytest.mark.django_db

NO_SUCH_DEAL = "There is no such group buy."


def bearer(user, **headers) -> dict:
    _token, secret = services.api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}", **headers}


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_a_token_users_errors_are_in_their_saved_language(client, settings):
    # given the site's default language, Chinese, as in production (the tests'
    # settings default to English), and a token user who chose English (PATCH
    # /api/me), sending no Accept-Language
    settings.LANGUAGE_CODE = "zh-hans"
    user = make_user(preferred_language="en")
    headers = bearer(user)

    # when they look at, and join, a group buy that does not exist, and send
    # a quantity that is not a number
    shown = client.get("/api/deals/deal_nonexist", headers=headers)
    joined = client.post(
        "/api/deals/deal_nonexist/join",
        {"quantity": 1},
        content_type="application/json",
        headers=headers,
    )
    malformed = client.post(
        "/api/deals/deal_nonexist/join",
        {"quantity": "many"},
        content_type="application/json",
        headers=headers,
    )

    # then every refusal is in English, and says so
    assert (shown.status_code, shown.json()["message"]) == (404, NO_SUCH_DEAL)
    assert (joined.status_code, joined.json()["message"]) == (404, NO_SUCH_DEAL)
    assert malformed.status_code == 422
    assert malformed.json()["fields"]["quantity"] == ["Give a whole number."]
    assert shown["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("saved", "headers", "cookie", "spoken"),
    [
        # the saved language wins over the client's Accept-Language ...
        ("en", {"Accept-Language": "zh-hans"}, None, "en"),
        ("zh-hans", {"Accept-Language": "en"}, None, "zh-hans"),
        # ... unless the person just switched language with the cookie
        ("en", {"Accept-Language": "en"}, "zh-hans", "zh-hans"),
    ],
)
def test_the_saved_language_wins_as_on_the_web(client, saved, headers, cookie, spoken):
    # given
    user = make_user(preferred_language=saved)
    if cookie:
        client.cookies["django_language"] = cookie

    # when
    response = client.get("/api/deals/deal_nonexist", headers=bearer(user, **headers))

    # then
    expected = NO_SUCH_DEAL if spoken == "en" else in_chinese(NO_SUCH_DEAL)
    assert response.json()["message"] == expected


def test_an_unknown_address_answers_in_the_token_users_saved_language(client, settings):
    # given the site's default language, Chinese, as in production, and a
    # token user who chose English, sending no Accept-Language, then Chinese
    settings.LANGUAGE_CODE = "zh-hans"
    user = make_user(preferred_language="en")

    # when the address is no endpoint, or the endpoint takes no such method
    plain = client.get("/api/nonexistent", headers=bearer(user))
    asked_in_chinese = client.get(
        "/api/nonexistent", headers=bearer(user, **{"Accept-Language": "zh-hans"})
    )
    wrong_method = client.delete("/api/deals", headers=bearer(user))

    # then each answers in English, as their other refusals do
    for response in (plain, asked_in_chinese):
        assert response.status_code == 404
        assert response.json()["message"] == (
            "There is nothing at this address. The API documentation at "
            "/api/docs lists every path."
        )
    assert wrong_method.status_code == 405
    assert wrong_method.json()["message"] == (
        "This address does not accept DELETE requests."
    )


def test_an_unknown_address_without_a_usable_token_keeps_the_request_language(
    client,
):
    # given a token that was never handed out, and a token user who just
    # switched to Chinese with the language cookie
    user = make_user(preferred_language="en")
    made_up = {"Authorization": "Bearer gbt_madeup", "Accept-Language": "zh-hans"}

    # when each asks for an address that is no endpoint
    unknown = client.get("/api/no-such-thing", headers=made_up)
    client.cookies["django_language"] = "zh-hans"
    switched = client.get("/api/no-such-thing", headers=bearer(user))

    # then both answer in the request's language
    for response in (unknown, switched):
        assert response.status_code == 404
        assert response.json()["message"].startswith("这个地址")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_token_is_read_off_the_event_loop():
    # given the JSON-error middleware in an async stack, and a token user who
    # chose English asking in Chinese for an address that is no endpoint
    from asgiref.sync import sync_to_async
    from django.http import HttpResponseNotFound
    from django.test import RequestFactory

    from groupbuy.core.middleware import ApiErrorJsonMiddleware

    async def no_route(request):
        return HttpResponseNotFound("<h1>Not Found</h1>")

    user = await sync_to_async(make_user)(preferred_language="en")
    headers = await sync_to_async(bearer)(user, **{"Accept-Language": "zh-hans"})
    request = RequestFactory().get("/api/nonexistent", headers=headers)
    request.LANGUAGE_CODE = "zh-hans"
    # when it answers (reading the database on the loop would raise
    # SynchronousOnlyOperation)
    response = await ApiErrorJsonMiddleware(no_route)(request)
    # then it answers in their saved language
    assert response.status_code == 404
    assert b"There is nothing at this address." in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/deals",
        "/api/catalog/products",
        "/api/catalog/categories",
        "/api/catalog/merchants",
        "/api/catalog/branches/nearest?latitude=31.2&longitude=121.4",
        "/api/catalog/catalogue/template.csv",
        "/api/demands",
    ],
)
def test_a_public_read_answers_a_token_user_in_their_saved_language(client, path):
    """Until 2026-12-07 the reads anyone may make did not look at a token:
    an app whose user chose Chinese, on a phone set to English, listed the
    deals with English shop names and then showed one deal in Chinese."""
    # given a token user who chose Chinese, on a phone that asks for English
    user = make_user(preferred_language="zh-hans")

    # when their app reads what anyone may read
    response = client.get(path, headers=bearer(user, **{"Accept-Language": "en"}))

    # then it answers in Chinese, as every other answer to them
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_a_public_read_without_a_usable_token_keeps_the_request_language(client):
    # given a token never handed out, on a phone that asks for English
    headers = {"Authorization": "Bearer gbt_madeup", "Accept-Language": "en"}

    # when it lists the deals
    response = client.get("/api/deals", headers=headers)

    # then it is answered as anyone is, in English
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
