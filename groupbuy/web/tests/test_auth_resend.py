"""Asking for a new SMS code from the sign-up and password reset code pages."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.tests.helpers import code_sent_to, committed_runner, sms_to
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.web.tests.conftest import PASSWORD

PHONE = "+8613800138001"


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return committed_runner(django_capture_on_commit_callbacks)


def _signup_post(client, **fields):
    data = {
        "phone": "138 0013 8001",
        "password": PASSWORD,
        "display_name": "Wang",
        "preferred_language": "en",
        **fields,
    }
    return client.post(reverse("web:signup"), data)


def _pacing_passed() -> None:
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))


def _resend_url(location: str) -> str:
    return location.split("?")[0] + "resend/"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_new_signup_code_keeps_next_and_what_was_typed(db, committed):
    # given a visitor who filled in the sign-up form on the way to a join
    client = Client()
    resume_url = "/deals/deal_x/join/resume/"
    first = committed(_signup_post, client, next=resume_url)["Location"]
    page = client.get(first).content.decode()
    assert f'action="{_resend_url(first)}"' in page
    _pacing_passed()
    # when they ask for a new code from the code page
    response = committed(client.post, _resend_url(first), {"next": resume_url})
    # then a second code goes to the same number and its page keeps next
    assert response.status_code == 302
    second = response["Location"]
    assert second.startswith("/signup/verify/vrf_")
    assert second != first
    assert second.endswith(f"?next={quote(resume_url, safe='')}")
    assert len(sms_to(PHONE)) == 2
    assert _messages(response) == ["We sent a new code by SMS to the number you gave."]
    # and nothing typed travels in a URL
    for url in (first, second):
        assert "13800138001" not in url
        assert PASSWORD not in url
        assert "Wang" not in url
    # when the new code is entered, the account is made of what was typed
    response = client.post(second, {"code": code_sent_to(PHONE), "next": resume_url})
    assert response["Location"] == resume_url
    user = User.objects.get()
    assert (user.phone, user.display_name, user.preferred_language) == (
        PHONE,
        "Wang",
        "en",
    )
    assert user.check_password(PASSWORD)


def test_changing_the_signup_details_finds_the_form_filled_in_without_password(
    db, committed
):
    # given
    client = Client()
    first = committed(_signup_post, client, next="/orders/")["Location"]
    page = client.get(first).content.decode()
    # when they follow the code page's link back to the form
    assert 'href="/signup/?next=%2Forders%2F"' in page
    form = client.get("/signup/?next=/orders/")
    # then the number, name and next are kept, the password is not
    fields = form.context["form"]
    assert fields["phone"].value() == "138 0013 8001"
    assert fields["display_name"].value() == "Wang"
    assert fields["password"].value() is None
    assert form.context["next_url"] == "/orders/"
    assert PASSWORD not in form.content.decode()


def test_a_second_code_inside_the_pacing_window_says_when_and_keeps_next(db, committed):
    # given a code sent a moment ago
    client = Client()
    first = committed(_signup_post, client, next="/orders/")["Location"]
    # when another is asked for at once
    response = committed(client.post, _resend_url(first), {"next": "/orders/"})
    # then they stay on the same code page, told how long to wait
    assert response["Location"] == first
    (message,) = _messages(response)
    assert message.startswith("A code was just sent. You can ask for a new one in ")
    assert message.endswith(" seconds.")
    assert "Too many" not in message
    assert len(sms_to(PHONE)) == 1
    assert PhoneVerification.objects.count() == 1


def test_a_used_signup_code_sends_no_new_one(db, committed):
    client = Client()
    first = committed(_signup_post, client)["Location"]
    client.post(first, {"code": code_sent_to(PHONE)})
    _pacing_passed()
    response = committed(Client().post, _resend_url(first))
    assert response["Location"] == first
    assert len(sms_to(PHONE)) == 1


def test_an_unknown_code_request_is_404(db):
    response = Client().post("/signup/verify/vrf_unknown/resend/")
    assert response.status_code == 404
    response = Client().post("/password/reset/vrf_unknown/resend/")
    assert response.status_code == 404


def test_asking_again_needs_post(db, committed):
    first = committed(_signup_post, Client())["Location"]
    assert Client().get(_resend_url(first)).status_code == 405


def test_a_new_reset_code_goes_to_the_number_typed_before(shopper, committed):
    # given a reset asked for a known number
    client = Client()
    first = committed(
        client.post, reverse("web:password_reset"), {"phone": "138 0013 8000"}
    )["Location"]
    page = client.get(first).content.decode()
    assert f'action="{_resend_url(first)}"' in page
    _pacing_passed()
    # when a new code is asked for
    response = committed(client.post, _resend_url(first))
    # then it is texted to the same number without typing it again
    second = response["Location"]
    assert second.startswith("/password/reset/vrf_")
    assert second != first
    assert "13800138000" not in second
    assert len(sms_to("+8613800138000")) == 2
    # and the new code sets the password
    response = client.post(
        second,
        {"code": code_sent_to("+8613800138000"), "new_password": "fresh-secret-42"},
    )
    assert response["Location"] == reverse("web:login")
    shopper.refresh_from_db()
    assert shopper.check_password("fresh-secret-42")


def test_changing_the_reset_number_finds_it_filled_in(db, committed):
    client = Client()
    committed(client.post, reverse("web:password_reset"), {"phone": "138 0013 8009"})
    form = client.get(reverse("web:password_reset")).context["form"]
    assert form["phone"].value() == "138 0013 8009"


def test_a_new_reset_code_answers_alike_for_an_unknown_number(db, committed):
    client = Client()
    first = committed(
        client.post, reverse("web:password_reset"), {"phone": "138 0013 8009"}
    )["Location"]
    _pacing_passed()
    response = committed(client.post, _resend_url(first))
    assert response["Location"].startswith("/password/reset/vrf_")
    assert response["Location"] != first
    assert _messages(response) == [
        "If this number has an account, we sent it a new code by SMS."
    ]
    assert sms_to("+8613800138009") == []


def test_signing_up_from_the_join_button_with_a_second_code_completes_the_join(
    db, committed
):
    # given a visitor who chose 2 units of a deal, pressed Join and signed up
    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.tests.factories import make_deal

    deal = make_deal()
    client = Client()
    client.post(reverse("web:deal_join", args=[deal.public_id]), {"quantity": "2"})
    resume_url = f"/deals/{deal.public_id}/join/resume/"
    first = committed(_signup_post, client, next=resume_url)["Location"]
    # when they ask for a new code and enter it
    _pacing_passed()
    second = committed(client.post, _resend_url(first), {"next": resume_url})
    response = client.post(
        second["Location"], {"code": code_sent_to(PHONE), "next": resume_url}
    )
    assert response["Location"] == resume_url
    client.get(resume_url)
    # then the join is done for the new account
    order = DealOrder.objects.get()
    assert (order.shopper.phone, order.quantity) == (PHONE, 2)


def test_a_code_page_for_an_unknown_or_other_code_request_is_404(db, committed):
    # given a sign-up code request and a password reset one
    signup = committed(_signup_post, Client())["Location"]
    reset = committed(
        Client().post, reverse("web:password_reset"), {"phone": "138 0013 8009"}
    )["Location"]
    signup_id = signup.split("/")[3]
    reset_id = reset.split("/")[3]
    # then each opens its own page, for a reset of a number with no account too
    assert Client().get(signup).status_code == 200
    assert Client().get(reset).status_code == 200
    # and an unknown id or one of the other purpose opens no form
    for url in (
        reverse("web:signup_verify", args=["vrf_unknown"]),
        reverse("web:password_reset_verify", args=["vrf_unknown"]),
        reverse("web:signup_verify", args=[reset_id]),
        reverse("web:password_reset_verify", args=[signup_id]),
    ):
        assert Client().get(url).status_code == 404, url
        assert Client().post(url, {"code": "123456"}).status_code == 404, url
