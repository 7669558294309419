"""A page or API answer made for whoever asks is never kept by a shared cache
(a CDN, a company's proxy) for the next person."""

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("path", ["/me/", "/orders/", "/inbox/", "/api/deals/orders"])
def test_a_signed_in_persons_pages_are_private(client, path):
    # given a signed-in shopper
    client.force_login(make_user())
    # when they open one of their pages
    response = client.get(path)
    # then no shared cache may keep it
    assert response.status_code == 200
    assert "private" in _cache_control(response)


def test_an_answer_to_an_api_token_is_private(client):
    # given a shopper's API token, and no session
    user = make_user()
    _token, secret = api_token_create(actor=user, name="script")
    # when a script reads their orders with it
    response = client.get("/api/deals/orders", HTTP_AUTHORIZATION=f"Bearer {secret}")
    # then no shared cache may keep it
    assert response.status_code == 200
    assert "private" in _cache_control(response)


def test_what_a_response_says_about_caching_itself_is_kept(client):
    # given the JavaScript translations, the same for everyone in a language
    client.force_login(make_user())
    # when a signed-in person loads them
    response = client.get("/jsi18n/")
    # then they stay cacheable as the view says
    assert response.status_code == 200
    assert _cache_control(response) == {"max-age=86400"}
