"""The operator's person page: switch the account off (saying what that
means, with a reason) and on again, list and revoke the person's API tokens."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts import switching_off
from groupbuy.accounts.models import ApiToken, User
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch):
    monkeypatch.setattr(switching_off, "sockets_end", lambda **kwargs: None)


def _page(client, person) -> str:
    url = reverse("web:operator_person", args=[person.public_id])
    return client.get(url).content.decode()


def _post(client, name, person, **data):
    url = reverse(f"web:{name}", args=[person.public_id])
    return client.post(url, data, follow=True)


def test_the_person_page_says_what_switching_off_does_then_does_it(
    operator_client, shopper
):
    # when the operator opens the page
    page = _page(operator_client, shopper)
    # then a disclosure says what switching off does and asks why
    assert 'id="person-switch-off"' in page
    assert "they are signed out everywhere at once and cannot sign in" in page
    assert "Their orders, payments and money are untouched" in page
    assert 'name="reason"' in page
    # when they switch the account off with a reason
    done = _post(operator_client, "operator_person_switch_off", shopper, reason="Fraud")
    # then the page says so, shows it off and offers to switch it on again
    html = done.content.decode()
    assert "The account is switched off: they are signed out everywhere." in html
    assert 'id="person-switched-off"' in html
    assert 'id="person-switch-on"' in html
    shopper.refresh_from_db()
    assert not shopper.is_active
    entry = AuditEntry.objects.get(action="accounts.user.deactivated")
    assert entry.data == {"reason": "Fraud"}
    # when they switch it on again
    again = _post(operator_client, "operator_person_switch_on", shopper)
    assert "The account is switched on again: they may sign in." in (
        again.content.decode()
    )
    shopper.refresh_from_db()
    assert shopper.is_active


def test_switching_off_without_a_reason_says_so_and_changes_nothing(
    operator_client, shopper
):
    done = _post(operator_client, "operator_person_switch_off", shopper, reason=" ")
    assert "Say why the account is switched off." in done.content.decode()
    shopper.refresh_from_db()
    assert shopper.is_active


def test_an_operators_own_page_and_another_operators_offer_no_switch(
    operator_client, operator
):
    other = User.objects.create_user("+8613900139001", "x" * 12, is_staff=True)
    for person, refusal in (
        (operator, "You cannot switch your own account off or on."),
        (other, "Only a superuser can switch another operator&#x27;s account."),
    ):
        page = _page(operator_client, person)
        assert 'id="person-switch-off"' not in page
        assert refusal in page


def test_the_page_lists_tokens_without_secrets_and_revokes_the_live_ones(
    operator_client, shopper
):
    # given a person with two tokens
    token, secret = api_token_create(actor=shopper, name="Phone app")
    api_token_create(actor=shopper, name="Tablet")
    # when the operator opens the page
    page = _page(operator_client, shopper)
    # then both are listed, never a secret, with a button for both
    assert page.count('class="person-token"') == 2
    assert "Phone app" in page and "Tablet" in page
    assert secret not in page and token.key_hash not in page
    assert "Revoke all 2 live tokens" in page
    # when they revoke them
    done = _post(operator_client, "operator_person_tokens_revoke", shopper)
    # then the page says how many and offers it no more
    html = done.content.decode()
    assert "2 API tokens revoked." in html
    assert 'id="person-tokens-revoke"' not in html
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.parametrize("who", ["self", "other_shopper", "owner", "cashier"])
@pytest.mark.parametrize(
    "name",
    [
        "operator_person_switch_off",
        "operator_person_switch_on",
        "operator_person_tokens_revoke",
    ],
)
def test_only_an_operator_switches_or_revokes_from_the_page(shopper, who, name):
    api_token_create(actor=shopper, name="app")
    user = {
        "self": shopper,
        "other_shopper": User.objects.create_user("+8613800138009", "x" * 12),
        "owner": make_merchant_member().user,
        "cashier": make_merchant_member(role="cashier").user,
    }[who]
    client = Client()
    client.force_login(user)
    url = reverse(f"web:{name}", args=[shopper.public_id])
    assert client.post(url, {"reason": "x"}).status_code == 403
    shopper.refresh_from_db()
    assert shopper.is_active
    assert ApiToken.objects.get().revoked_at is None
