"""A browser signed in by its session must send the CSRF token with every
write to the API; a token client need not."""

import pytest
from django.test import Client

from groupbuy.accounts.models import User
from groupbuy.accounts.tests.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    user = make_user("+8613800138000", preferred_language="en")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, user


def test_a_session_write_without_the_csrf_token_is_a_json_403_that_says_why(browser):
    client, user = browser
    # when a page on another site makes the signed-in browser post
    response = client.patch(
        "/api/me", {"display_name": "Mallory"}, content_type="application/json"
    )
    # then nothing changes, and the refusal is the API's own, in the person's language
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert body["message"] == (
        "This request from a signed-in browser came without its CSRF token. "
        "Reload the page and try again."
    )
    assert body["fields"] == {}
    user.refresh_from_db()
    assert user.display_name != "Mallory"


def test_a_session_write_with_the_csrf_token_goes_through(browser):
    client, user = browser
    client.get("/")  # the page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/me",
        {"display_name": "Li"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).display_name == "Li"
