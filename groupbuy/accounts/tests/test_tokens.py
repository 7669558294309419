import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts import services
from groupbuy.accounts.models import ApiToken
from groupbuy.accounts.tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db
# The paging tests' page size (GROUPBUY_PAGE_SIZE): page 2 needs few tokens.
PAGE = 3


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def confirmed(client, user):
    """Sign ``client`` in as ``user`` with the password confirmed: only such a
    session manages tokens (test_token_reauthentication.py)."""
    client.force_login(user)
    answer = client.post(
        "/api/me/reauthenticate",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert answer.status_code == 200
    return client


@pytest.fixture
def owner():
    return make_user("+8613800138000")


@pytest.fixture
def stranger():
    return make_user("+8613800138001")


@pytest.fixture
def merchant_owner(stranger):
    from groupbuy.catalog.models import Merchant

    merchant = Merchant.objects.create(name="Shop")
    user = make_user("+8613800138002")
    services.merchant_membership_add(
        actor=None, user=user, merchant=merchant, role="owner"
    )
    return user


def test_tokens_are_named_listed_and_expire(client, owner):
    # given
    services.api_token_create(actor=owner, name="first")
    confirmed(client, owner)
    # when
    created = client.post(
        "/api/me/tokens",
        {"name": "my script", "days": 7},
        content_type="application/json",
    )
    listed = client.get("/api/me/tokens")
    # then
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("gbt_")
    assert body["info"]["name"] == "my script"
    assert body["info"]["id"].startswith("tok_")
    expires_in = ApiToken.objects.get(name="my script").expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < expires_in <= timedelta(days=7)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [token["name"] for token in items] == ["my script", "first"]
    assert all(token["is_usable"] for token in items)
    assert "key_hash" not in items[0]


def test_a_token_cannot_outlive_the_configured_maximum(client, owner):
    confirmed(client, owner)
    response = client.post(
        "/api/me/tokens", {"name": "x", "days": 3650}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "days" in response.json()["fields"]
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("days", [31, 3651, 100_000])
def test_above_the_configured_maximum_is_one_clear_400(client, owner, settings, days):
    # given a platform whose tokens live at most 30 days
    settings.GROUPBUY_API_TOKEN_DAYS = 30
    confirmed(client, owner)
    # when
    created = client.post(
        "/api/me/tokens", {"name": "x", "days": days}, content_type="application/json"
    )
    signed_in = client.post(
        "/api/auth/token",
        {"phone": "13800138000", "password": PASSWORD, "days": days},
        content_type="application/json",
    )
    # then both say the real limit, however far above it the request goes
    for response in (created, signed_in):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": "A token lives between 1 and 30 days.",
            "fields": {"days": ["Choose 1 to 30."]},
        }
    assert ApiToken.objects.count() == 0


def test_the_api_document_states_no_maximum_the_server_does_not_keep(client):
    # when
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    # then "days" names the setting that bounds it, and no number of its own
    for name in ("TokenIn", "ApiTokenCreateIn"):
        days = schemas[name]["properties"]["days"]
        assert "maximum" not in json.dumps(days), name
        assert "GROUPBUY_API_TOKEN_DAYS" in days["description"], name


def test_a_revoked_token_gets_401(client, owner):
    # given
    token, secret = services.api_token_create(actor=owner, name="laptop")
    _other, other_secret = services.api_token_create(actor=owner, name="phone")
    script = Client()  # no session: what a token alone may do
    assert script.get("/api/me", **bearer(secret)).status_code == 200
    # when my signed-in browser revokes it
    response = confirmed(client, owner).delete(f"/api/me/tokens/{token.public_id}")
    # then
    assert response.status_code == 204
    assert script.get("/api/me", **bearer(secret)).status_code == 401
    assert script.get("/api/me", **bearer(other_secret)).status_code == 200
    listed = client.get("/api/me/tokens").json()["items"]
    assert [item["name"] for item in listed] == ["phone"]
    everything = client.get("/api/me/tokens?include_inactive=true").json()["items"]
    laptop = next(item for item in everything if item["name"] == "laptop")
    assert laptop["revoked_at"] is not None
    assert laptop["is_usable"] is False


def test_revoking_twice_changes_nothing_the_second_time(client, owner):
    token, _secret = services.api_token_create(actor=owner, name="laptop")
    client.force_login(owner)
    client.delete(f"/api/me/tokens/{token.public_id}")
    token.refresh_from_db()
    first_revoked_at = token.revoked_at
    assert client.delete(f"/api/me/tokens/{token.public_id}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at == first_revoked_at


def test_an_expired_token_gets_401(client, owner):
    token, secret = services.api_token_create(actor=owner, name="old")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/api/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("intruder", ["stranger", "merchant_owner"])
def test_another_user_cannot_see_or_revoke_my_tokens(client, owner, intruder, request):
    # given
    mine, my_secret = services.api_token_create(actor=owner, name="mine")
    other = request.getfixturevalue(intruder)
    services.api_token_create(actor=other, name="theirs")
    confirmed(client, other)
    # when their signed-in browser, password confirmed, lists and revokes
    listed = client.get("/api/me/tokens")
    revoke = client.delete(f"/api/me/tokens/{mine.public_id}")
    # then
    assert [token["name"] for token in listed.json()["items"]] == ["theirs"]
    assert revoke.status_code == 404
    assert revoke.json()["code"] == "not_found"
    assert Client().get("/api/me", **bearer(my_secret)).status_code == 200


def test_my_tokens_list_the_live_ones_a_page_at_a_time(client, owner, settings):
    # given 3 a page, a live token, a revoked one and an expired one, and 4
    # more live
    settings.GROUPBUY_PAGE_SIZE = PAGE
    services.api_token_create(actor=owner, name="live")
    revoked, _ = services.api_token_create(actor=owner, name="revoked")
    services.api_token_revoke(actor=owner, token_id=revoked.public_id)
    expired, _ = services.api_token_create(actor=owner, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for number in range(PAGE + 1):
        services.api_token_create(actor=owner, name=f"script {number}")
    confirmed(client, owner)
    # when
    first = client.get("/api/me/tokens")
    second = client.get("/api/me/tokens?page=2")
    everything = client.get("/api/me/tokens?include_inactive=true&page_size=100")
    # then the list is paged as every list is, with the live tokens only
    assert first.status_code == 200
    assert {key: first.json()[key] for key in ("page", "page_size", "total")} == {
        "page": 1,
        "page_size": PAGE,
        "total": PAGE + 2,
    }
    assert first.json()["pages"] == 2
    assert [token["name"] for token in first.json()["items"]][:2] == [
        f"script {PAGE}",
        f"script {PAGE - 1}",
    ]
    assert [token["name"] for token in second.json()["items"]] == ["script 0", "live"]
    # and asked for, the revoked and expired ones too
    names = [token["name"] for token in everything.json()["items"]]
    assert everything.json()["total"] == PAGE + 4
    assert names[-3:] == ["expired", "revoked", "live"]


def test_the_api_document_declares_the_tokens_page(client):
    # when
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/me/tokens"]["get"]
    # then the answer is the lists' page, and the filter is named
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ApiTokenPageOut"}
    page = document["components"]["schemas"]["ApiTokenPageOut"]
    assert set(page["properties"]) == {"items", "page", "page_size", "total", "pages"}
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "page",
        "page_size",
        "include_inactive",
    }


def test_the_token_page_lists_live_tokens_a_page_at_a_time(owner, settings):
    # given 3 a page, a revoked token and 4 live ones
    settings.GROUPBUY_PAGE_SIZE = PAGE
    revoked, _ = services.api_token_create(actor=owner, name="revoked one")
    services.api_token_revoke(actor=owner, token_id=revoked.public_id)
    for number in range(PAGE + 1):
        services.api_token_create(actor=owner, name=f"script {number}")
    client = Client()
    client.force_login(owner)
    url = reverse("web:api_tokens")
    # when
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    everything = client.get(url + "?include_inactive=1&page=2").content.decode()
    # then 3 a page, the revoked one left out unless asked for
    assert first.count('id="token-tok_') == PAGE
    assert 'id="page-next"' in first
    assert second.count('id="token-tok_') == 1
    assert "revoked one" not in first + second
    assert "revoked one" in everything
    # and the next page keeps the choice
    all_first = client.get(url + "?include_inactive=1").content.decode()
    assert 'href="?include_inactive=1&amp;page=2"' in all_first


def test_token_pages_need_sign_in(client):
    assert client.get("/api/me/tokens").status_code == 401
    response = Client().get(reverse("web:api_tokens"))
    assert response.status_code == 302


def test_token_settings_page_creates_shows_once_and_revokes(owner):
    # given
    client = Client()
    client.force_login(owner)
    # when a token is created on the page
    response = client.post(
        reverse("web:api_tokens"),
        {"name": "shop script", "days": 30, "password": PASSWORD},
        follow=True,
    )
    # then its secret is shown once (after the redirect) and it works
    assert response.redirect_chain == [(reverse("web:api_tokens"), 302)]
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode()
    assert Client().get("/api/me", **bearer(secret)).status_code == 200
    again = client.get(reverse("web:api_tokens"))
    assert secret not in again.content.decode()
    assert b"shop script" in again.content
    # when it is revoked on the page
    token = ApiToken.objects.get(name="shop script")
    response = client.post(reverse("web:api_token_revoke", args=[token.public_id]))
    # then
    assert response.status_code == 302
    assert Client().get("/api/me", **bearer(secret)).status_code == 401


def test_token_settings_page_cannot_revoke_someone_elses_token(owner, stranger):
    token, _secret = services.api_token_create(actor=owner, name="mine")
    client = Client()
    client.force_login(stranger)
    response = client.post(reverse("web:api_token_revoke", args=[token.public_id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert b"mine" not in client.get(reverse("web:api_tokens")).content


def test_token_from_password_login_carries_its_name_and_lifetime(client, owner):
    response = client.post(
        "/api/auth/token",
        {"phone": "13800138000", "password": PASSWORD, "name": "cli", "days": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "cli"
    assert token.expires_at - timezone.now() <= timedelta(days=1)


def test_operators_see_tokens_and_codes_in_the_admin(owner, committed):
    # given
    operator = make_user("+8613900139000", is_staff=True, is_superuser=True)
    services.api_token_create(actor=owner, name="laptop")
    committed(services.password_reset_request, phone=owner.phone)
    client = Client()
    client.force_login(operator)
    # then
    tokens = client.get("/admin/accounts/apitoken/")
    codes = client.get("/admin/accounts/phoneverification/")
    assert tokens.status_code == 200
    assert b"laptop" in tokens.content
    assert codes.status_code == 200
    # (the code's number masked in the list, as every admin list of numbers)
    assert b"+86138****8000" in codes.content
    assert b"+8613800138000" not in codes.content
    assert client.get("/admin/accounts/phoneverification/add/").status_code == 403
