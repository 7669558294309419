"""Asking to delete one's account takes the password, as moving it to another
number does, with the same limit on wrong ones."""

import json

import pytest

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.deals.tests.factories import make_merchant
from groupbuy.ops.models import ErasureRequest

pytestmark = pytest.mark.django_db

PASSWORD = "long-enough-pw"


def bearer(user) -> dict:
    return {
        "Authorization": f"Bearer {api_token_create(actor=user)[1]}",
        "Accept-Language": "en",
    }


def _ask(client, headers, body):
    return client.post(
        "/api/me/data/erasure",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def shopper():
    return User.objects.create_user("+8613977771401", PASSWORD, preferred_language="en")


def test_the_api_asks_for_the_password(client, shopper):
    headers = bearer(shopper)
    # when the request comes without a password, or with a wrong one
    missing = _ask(client, headers, {})
    wrong = _ask(client, headers, {"password": "not-it"})
    # then nothing is recorded, and the wrong one is refused on its field
    assert missing.status_code == 422
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "password_wrong"
    assert wrong.json()["fields"] == {"password": ["This is not your password."]}
    assert not ErasureRequest.objects.exists()
    # when it comes with the right one
    asked = _ask(client, headers, {"password": PASSWORD})
    # then it is recorded
    assert asked.status_code == 202, asked.content
    assert ErasureRequest.objects.get().user == shopper


def test_another_persons_password_does_not_delete_an_account(client, shopper):
    # given another person and a merchant's owner, each with their own password
    User.objects.create_user("+8613977771402", "others-password-1")
    owner = User.objects.create_user("+8613977771403", "owners-password-1")
    make_merchant(name="Corner shop", owner=owner)
    # when the shopper's session is used with their passwords
    for password in ("others-password-1", "owners-password-1"):
        answer = _ask(client, bearer(shopper), {"password": password})
        assert answer.status_code == 400
        assert answer.json()["code"] == "password_wrong"
    # then nobody's account is on its way out
    assert not ErasureRequest.objects.exists()


def test_wrong_passwords_share_the_phone_changes_limit(client, shopper, settings):
    # given a limit of 3, two of them spent on the phone change
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 3
    headers = bearer(shopper)
    for _ in range(2):
        client.post(
            "/api/me/phone/change/code",
            data=json.dumps({"new_phone": "+8613977771409", "password": "not-it"}),
            content_type="application/json",
            headers=headers,
        )
    # when one more wrong one comes here
    assert _ask(client, headers, {"password": "not-it"}).status_code == 400
    # then even the right one waits, as on the phone change
    answer = _ask(client, headers, {"password": PASSWORD})
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_passwords"
    assert 14 * 60 < int(answer["Retry-After"]) <= 15 * 60
    assert not ErasureRequest.objects.exists()


def test_the_page_asks_for_the_password(client, shopper):
    client.force_login(shopper)
    # the confirmation page has the password field, saying why
    page = client.get("/account/data/erasure/").content.decode()
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    assert "So that nobody else using this device can delete your account." in page
    # when they confirm without it, or with a wrong one
    empty = client.post("/account/data/erasure/")
    wrong = client.post("/account/data/erasure/", {"password": "not-it"})
    # then they stay on the page, told why, and nothing is recorded
    assert empty.status_code == 200
    assert wrong.status_code == 200
    assert "This is not your password." in wrong.content.decode()
    assert not ErasureRequest.objects.exists()
    # when they give the right one
    done = client.post("/account/data/erasure/", {"password": PASSWORD})
    # then it is recorded
    assert (done.status_code, done["Location"]) == (302, "/account/data/")
    assert ErasureRequest.objects.filter(user=shopper, status="pending").count() == 1


def test_the_page_says_when_too_many_passwords_were_wrong(client, shopper, settings):
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 2
    client.force_login(shopper)
    for _ in range(2):
        client.post("/account/data/erasure/", {"password": "not-it"})

    answer = client.post("/account/data/erasure/", {"password": PASSWORD})

    assert "Too many wrong passwords. Try again in 15 minutes." in (
        answer.content.decode()
    )
    assert not ErasureRequest.objects.exists()
