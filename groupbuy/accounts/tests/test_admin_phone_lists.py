"""Admin lists that show a phone number show it masked (``mask_phone``), as a
list needs no one's full number; searching by the full number still finds the
row, and a person's own change page shows it in full to support."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership, PhoneVerification
from groupbuy.accounts.services import api_token_create
from groupbuy.accounts.tests.helpers import (
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.catalog.models import Merchant
from groupbuy.notify.tests.factories import make_notification

pytestmark = pytest.mark.django_db

NUMBER = "+8613800138071"
MASKED = "+86138****8071"


@pytest.fixture
def support() -> Client:
    return support_client()


def _list(client: Client, url: str, **query) -> str:
    answer = client.get(url, query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_user_list_masks_numbers_and_finds_a_full_one(support):
    # given a person with no name (their row is named by its number)
    person = make_user(NUMBER)
    # when support opens the list, then searches by the full number
    html = _list(support, "/admin/accounts/user/")
    found = _list(support, "/admin/accounts/user/", q=NUMBER)
    # then the list shows the masked number only, and the search finds them
    assert MASKED in html
    assert NUMBER not in html
    assert f"/admin/accounts/user/{person.pk}/change/" in found
    # and the person's change page shows the full number
    assert NUMBER in _list(support, f"/admin/accounts/user/{person.pk}/change/")


def test_phone_code_list_masks_numbers_and_finds_a_full_one(support):
    # given a code sent to a number
    code = PhoneVerification.objects.create(
        purpose=PhoneVerification.Purpose.SIGN_UP,
        phone=NUMBER,
        code_hash="0" * 64,
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    # when support opens the list, then searches by the full number
    html = _list(support, "/admin/accounts/phoneverification/")
    found = _list(support, "/admin/accounts/phoneverification/", q=NUMBER)
    # then the list shows the masked number only, and the search finds it
    assert MASKED in html
    assert NUMBER not in html
    assert f"/admin/accounts/phoneverification/{code.pk}/change/" in found


@pytest.mark.parametrize(
    ("model", "url"),
    [
        (AccessAttempt, "/admin/axes/accessattempt/"),
        (AccessLog, "/admin/axes/accesslog/"),
        (AccessFailureLog, "/admin/axes/accessfailurelog/"),
    ],
)
def test_failed_login_lists_mask_numbers_and_find_a_full_one(support, model, url):
    # given a login tried with a number (axes records it as the username)
    fields = {"username": NUMBER, "ip_address": "203.0.113.9", "user_agent": "test"}
    if model is AccessAttempt:
        fields["failures_since_start"] = 3
    row = model.objects.create(**fields)
    # when support opens the list, then searches by the full number
    html = _list(support, url)
    found = _list(support, url, q=NUMBER)
    # then the list shows the masked number only, and the search finds it
    assert MASKED in html
    assert NUMBER not in html
    assert f"{url}{row.pk}/change/" in found


def test_token_list_names_an_unnamed_person_by_the_masked_number(support):
    # given a token of a person with no name
    token, _secret = api_token_create(actor=make_user(NUMBER), name="till")
    # when support opens the list, then searches by the full number
    html = _list(support, "/admin/accounts/apitoken/")
    found = _list(support, "/admin/accounts/apitoken/", q=NUMBER)
    # then the list shows the masked number only, and the search finds it
    assert MASKED in html
    assert NUMBER not in html
    assert f"/admin/accounts/apitoken/{token.pk}/change/" in found


def test_notification_list_names_an_unnamed_recipient_by_the_masked_number(support):
    # given a notification to a person with no name
    notification = make_notification(recipient=make_user(NUMBER))
    # when support opens the list and the notification, then searches by the
    # full number
    html = _list(support, "/admin/notify/notification/")
    detail = _list(support, f"/admin/notify/notification/{notification.pk}/change/")
    found = _list(support, "/admin/notify/notification/", q=NUMBER)
    # then both show the masked number only, and the search finds it
    assert_masked_only(html, detail)
    assert f"/admin/notify/notification/{notification.pk}/change/" in found


def test_a_tokens_delete_page_names_an_unnamed_person_by_the_masked_number(support):
    # given a token of a person with no name (str(token) named their number)
    token, _secret = api_token_create(actor=make_user(NUMBER), name="till")
    # when support opens the token's delete page
    html = _list(support, f"/admin/accounts/apitoken/{token.pk}/delete/")
    # then it names the token with the masked number only
    assert f"token till for {MASKED}" in html
    assert NUMBER not in html


def test_a_membership_names_an_unnamed_person_by_the_masked_number():
    # given a shop's cashier with no name
    membership = MerchantMembership.objects.create(
        user=make_user(NUMBER), merchant=Merchant.objects.create(name="Fresh Mart")
    )
    # when it is named (deletion summaries, the admin's history)
    # then by the masked number, not the full one
    assert str(membership) == f"{MASKED} @ Fresh Mart (cashier)"
