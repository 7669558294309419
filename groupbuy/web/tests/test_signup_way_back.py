"""The sign-up page leads back to the code page of the code this browser asked
for, while that code still works, so closing that tab loses nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.tests.helpers import code_sent_to, committed_runner, sms_to
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.web.tests.conftest import PASSWORD

PHONE = "+8613800138061"
TYPED = "138 0013 8061"


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return committed_runner(django_capture_on_commit_callbacks)


def _signup_post(client, phone=TYPED, **fields):
    data = {
        "phone": phone,
        "password": PASSWORD,
        "display_name": "Wang",
        "preferred_language": "en",
        **fields,
    }
    return client.post(reverse("web:signup"), data, HTTP_ACCEPT_LANGUAGE="en")


def _open_code_link(page: str) -> str:
    marker = 'id="signup-open-code-link"'
    assert marker in page
    return page.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]


def test_signing_up_again_leads_back_to_the_code_already_sent(db, committed):
    # given a visitor who asked for a code, then closed the code page's tab
    client = Client()
    first = committed(_signup_post, client, next="/orders/")["Location"]
    # when they sign up again at once (too soon for another code)
    again = committed(_signup_post, client, next="/orders/")
    page = again.content.decode()
    # then they are told why, and led back to the code page they had
    assert again.status_code == 200
    assert "A code was just sent." in page
    assert "Enter the code you received" in page
    assert _open_code_link(page).replace("&amp;", "&") == first
    # and told why the password is empty again
    assert 'id="signup-password-again"' in page
    assert PASSWORD not in page
    # and the plain sign-up page offers the same way back
    assert _open_code_link(client.get("/signup/?next=/orders/").content.decode())
    # when they enter the code they received there
    done = client.post(first, {"code": code_sent_to(PHONE), "next": "/orders/"})
    # then the account is made, and the sign-up page no longer offers it
    assert done["Location"] == "/orders/"
    assert User.objects.get().phone == PHONE
    client.logout()
    assert 'id="signup-open-code"' not in client.get("/signup/").content.decode()
    assert len(sms_to(PHONE)) == 1


def test_no_way_back_once_the_code_has_expired(db, committed):
    client = Client()
    committed(_signup_post, client)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get("/signup/").content.decode()

    assert 'id="signup-open-code"' not in page


def test_a_new_code_is_the_one_led_back_to(db, committed):
    # given a code, and a second one asked for from its page later
    client = Client()
    first = committed(_signup_post, client)["Location"]
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    second = committed(client.post, first.split("?")[0] + "resend/")["Location"]
    assert second != first
    # when they come back to the sign-up page
    page = client.get("/signup/").content.decode()
    # then it leads to the newer code's page
    assert _open_code_link(page) == second


def test_another_browser_is_not_led_to_someone_elses_code(db, committed):
    # given someone asked for a sign-up code for a number
    committed(_signup_post, Client())
    # and that number is another person's account (no code is texted for it)
    User.objects.create_user("+8613800138062", "long-enough-pw")
    owner = Client()
    committed(_signup_post, owner, phone="138 0013 8062")
    # when another browser types either number on the sign-up page
    stranger = Client()
    for phone in (TYPED, "138 0013 8062"):
        page = committed(_signup_post, stranger, phone=phone).content.decode()
        # then it is told to wait, never led to a code page it did not ask for
        assert 'id="signup-open-code"' not in page
    assert 'id="signup-open-code"' not in stranger.get("/signup/").content.decode()
