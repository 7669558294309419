"""Only a signed-in session manages API tokens, and creating one asks for the
password again (a recent-authentication window): a stolen token cannot make
more of itself, nor a stolen session without the password."""

import pytest
from django.test import Client

from groupbuy.accounts import services
from groupbuy.accounts.models import ApiToken, MerchantMembership
from groupbuy.accounts.reauth import REAUTHENTICATED_SESSION_KEY
from groupbuy.accounts.tests.helpers import PASSWORD, make_user
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ME = "+8613800138311"
OTHER_SHOPPER = "+8613800138312"
OTHER_OWNER = "+8613800138313"
OTHER_CASHIER = "+8613800138314"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, path, body=None, **extra):
    return client.post(path, body or {}, content_type="application/json", **extra)


@pytest.fixture
def me():
    return make_user(ME)


def _intruders():
    owner = make_user(OTHER_OWNER)
    make_merchant_member(user=owner, role=MerchantMembership.Role.OWNER)
    cashier = make_user(OTHER_CASHIER)
    make_merchant_member(user=cashier, role=MerchantMembership.Role.CASHIER)
    return [make_user(OTHER_SHOPPER), owner, cashier]


def test_a_token_can_neither_create_list_nor_revoke_tokens(client, me):
    # given a token (a script's, or a stolen one) and another token of mine
    _token, secret = services.api_token_create(actor=me, name="script")
    other, _other_secret = services.api_token_create(actor=me, name="phone")
    # when it asks to create, list and revoke tokens
    created = _post(client, "/api/me/tokens", {"name": "more"}, **bearer(secret))
    listed = client.get("/api/me/tokens", **bearer(secret))
    revoked = client.delete(f"/api/me/tokens/{other.public_id}", **bearer(secret))
    # then each is a 403 that says why, and nothing changed
    for answer in (created, listed, revoked):
        assert answer.status_code == 403
        assert answer.json()["code"] == "session_required"
    assert created.json()["message"] == (
        "An API token cannot do this. Sign in on the website, or use a signed-in "
        "browser session, and confirm your password."
    )
    assert ApiToken.objects.filter(user=me).count() == 2
    other.refresh_from_db()
    assert other.revoked_at is None
    # and the token itself still works for everything else
    assert client.get("/api/me", **bearer(secret)).status_code == 200


def test_a_token_cannot_open_the_window_either(client, me):
    _token, secret = services.api_token_create(actor=me)
    answer = _post(
        client, "/api/me/reauthenticate", {"password": PASSWORD}, **bearer(secret)
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "session_required"


def test_a_session_creates_a_token_only_after_confirming_the_password(client, me):
    # given a signed-in browser that has not confirmed the password
    client.force_login(me)
    # when it asks for a token
    refused = _post(client, "/api/me/tokens", {"name": "script"})
    # then it is told what to do, and no token is made
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "reauthentication_required",
        "message": "Confirm your password first; it then stays confirmed for 10 "
        "minutes.",
        "fields": {},
        "reauthenticate": "http://testserver/api/me/reauthenticate",
        "window_minutes": 10,
    }
    assert not ApiToken.objects.exists()
    # when it confirms a wrong password, then the right one
    wrong = _post(client, "/api/me/reauthenticate", {"password": "not-it-at-all"})
    right = _post(client, "/api/me/reauthenticate", {"password": PASSWORD})
    # then the wrong one is refused on its field, the right one opens the window
    assert wrong.status_code == 400
    assert wrong.json()["fields"] == {"password": ["This is not your password."]}
    assert right.status_code == 200
    assert "reauthenticated_until" in right.json()
    assert AuditEntry.objects.filter(action="accounts.reauthenticated").count() == 1
    # and within it, tokens are created, listed and revoked
    created = _post(client, "/api/me/tokens", {"name": "script"})
    assert created.status_code == 201
    assert client.get("/api/me/tokens").json()["total"] == 1
    token_id = created.json()["info"]["id"]
    assert client.delete(f"/api/me/tokens/{token_id}").status_code == 204


def test_the_window_closes_after_the_configured_minutes(client, me, settings):
    # given a session that confirmed the password 11 minutes ago
    settings.GROUPBUY_REAUTH_WINDOW_MINUTES = 10
    client.force_login(me)
    assert (
        _post(client, "/api/me/reauthenticate", {"password": PASSWORD}).status_code
        == 200
    )
    session = client.session
    kept = session[REAUTHENTICATED_SESSION_KEY]
    session[REAUTHENTICATED_SESSION_KEY] = {**kept, "at": kept["at"] - 11 * 60}
    session.save()
    # when it creates a token, then it is asked again
    answer = _post(client, "/api/me/tokens", {"name": "late"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "reauthentication_required"
    # and a longer window keeps it open
    settings.GROUPBUY_REAUTH_WINDOW_MINUTES = 15
    assert _post(client, "/api/me/tokens", {"name": "later"}).status_code == 201
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["later"]


def test_another_persons_password_or_window_opens_nothing_of_mine(me):
    for intruder in _intruders():
        # given another shopper, another shop's owner or its cashier
        client = Client()
        client.force_login(me)
        # when my session is sent their password
        intruder.set_password("their-own-1")
        intruder.save()
        answer = _post(client, "/api/me/reauthenticate", {"password": "their-own-1"})
        # then it is not mine
        assert answer.status_code == 400
        assert _post(client, "/api/me/tokens", {"name": "x"}).status_code == 403
        # and a window they opened in a browser does not carry to me there
        theirs = Client()
        theirs.force_login(intruder)
        assert (
            _post(
                theirs, "/api/me/reauthenticate", {"password": "their-own-1"}
            ).status_code
            == 200
        )
        theirs.force_login(me)
        assert _post(theirs, "/api/me/tokens", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=me).exists()


def test_the_token_page_asks_for_the_password_then_not_for_a_while(me):
    client = Client(headers={"accept-language": "en"})
    client.force_login(me)
    # given the page, which asks for the password
    page = client.get("/me/tokens/")
    assert "password" in page.context["form"].fields
    # when the form is sent without it, or with a wrong one
    missing = client.post("/me/tokens/", {"name": "script", "days": 30})
    wrong = client.post(
        "/me/tokens/", {"name": "script", "days": 30, "password": "nope-nope-1"}
    )
    # then no token is made, and the page says so on the password
    assert missing.status_code == wrong.status_code == 200
    assert missing.context["form"].errors["password"] == ["This field is required."]
    assert wrong.context["form"].errors["password"] == ["This is not your password."]
    assert not ApiToken.objects.exists()
    # when it is sent with the password
    created = client.post(
        "/me/tokens/", {"name": "script", "days": 30, "password": PASSWORD}
    )
    # then the token is made, and the next one does not ask again
    assert created.status_code == 302
    assert "password" not in client.get("/me/tokens/").context["form"].fields
    assert client.post("/me/tokens/", {"name": "two", "days": 30}).status_code == 302
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == [
        "script",
        "two",
    ]
