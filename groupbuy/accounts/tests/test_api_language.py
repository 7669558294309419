"""API answers in a token user's saved language, as the web does for session
users: the saved language wins over Accept-Language unless the person just
switched it with the language cookie; what is refused before the token is read
(an unknown address) stays in Accept-Language's language."""

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


def test_an_unknown_address_keeps_the_request_language(client):
    # given a token user who chose English, asking in Chinese
    user = make_user(preferred_language="en")

    # when the address is no endpoint: no token is read for it
    response = client.get(
        "/api/no-such-thing", headers=bearer(user, **{"Accept-Language": "zh-hans"})
    )

    # then it answers in the request's language
    assert response.status_code == 404
    assert response.json()["message"].startswith("这个地址")
