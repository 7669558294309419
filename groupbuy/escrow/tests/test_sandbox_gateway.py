"""The hosted pay page and the asynchronous, possibly late or repeated callbacks."""

import re

import httpx
import pytest
from django.test import Client

from groupbuy.escrow import tasks
from groupbuy.escrow.models import LedgerAccount, ProviderEvent
from groupbuy.escrow.services import sandbox_payment_submit
from groupbuy.escrow.tests.factories import event_for, make_intent, make_user

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pay_page_shows_the_amount_purpose_and_both_buttons():
    payer = make_user(preferred_language="en")
    intent = make_intent(payer=payer, amount_fen=123_456, return_url="/orders/o/")
    response = _logged_in(payer).get(f"/escrow/sandbox/pay/{intent.public_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥1,234.56" in html
    assert "2 × Jasmine tea" in html
    assert 'id="sandbox-pay"' in html
    assert 'id="sandbox-decline"' in html
    assert 'href="/orders/o/"' in html


@pytest.mark.parametrize(
    ("purpose", "label"),
    [
        ("deals.order", "Back to my order"),
        ("teams.member", "Back to the team"),
        ("demands.deposit", "Back to the demand"),
        ("test.purpose", "Go back"),
    ],
)
def test_the_link_back_says_where_it_goes(purpose, label):
    # given a payment whose return page is its purpose's own page
    payer = make_user(preferred_language="en")
    intent = make_intent(payer=payer, purpose=purpose, return_url="/somewhere/")
    # when its payer opens the pay page
    page = _logged_in(payer).get(f"/escrow/sandbox/pay/{intent.public_id}/")
    html = page.content.decode()
    # then the link back names that page, not "the shop"
    link = re.search(r'<a href="([^"]*)" id="sandbox-return">([^<]*)</a>', html)
    assert link.groups() == ("/somewhere/", label)
    assert "Back to the shop" not in html


def test_pay_click_redirects_to_the_return_url_and_the_callback_lands(
    django_capture_on_commit_callbacks,
):
    payer = make_user()
    intent = make_intent(payer=payer, return_url="/orders/o/")
    with django_capture_on_commit_callbacks(execute=True):
        response = _logged_in(payer).post(
            f"/escrow/sandbox/pay/{intent.public_id}/", {"action": "pay"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/orders/o/"
    intent.refresh_from_db()
    assert intent.status == "succeeded"


def test_second_pay_click_shows_a_409_page_and_sends_nothing():
    payer = make_user(preferred_language="en")
    intent = make_intent(payer=payer)
    client = _logged_in(payer)
    client.post(f"/escrow/sandbox/pay/{intent.public_id}/", {"action": "pay"})
    response = client.post(
        f"/escrow/sandbox/pay/{intent.public_id}/", {"action": "pay"}
    )
    assert response.status_code == 409
    assert "This payment has already been made." in response.content.decode()
    assert 'id="sandbox-pay"' not in response.content.decode()


def test_pay_page_is_for_the_payer_only():
    intent = make_intent(payer=make_user())
    stranger = _logged_in(make_user())
    assert stranger.get(f"/escrow/sandbox/pay/{intent.public_id}/").status_code == 404
    anonymous = Client().get(f"/escrow/sandbox/pay/{intent.public_id}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_offsite_return_url_is_not_followed(django_capture_on_commit_callbacks):
    payer = make_user()
    intent = make_intent(payer=payer, return_url="https://evil.example/")
    response = _logged_in(payer).post(
        f"/escrow/sandbox/pay/{intent.public_id}/", {"action": "pay"}
    )
    assert response["Location"] == f"/escrow/sandbox/pay/{intent.public_id}/"


def test_late_callback_is_scheduled_not_applied_until_it_arrives(
    django_capture_on_commit_callbacks,
):
    # given a gateway that answers 30 s later
    payer = make_user()
    intent = make_intent(payer=payer)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_payment_submit(actor=payer, intent=intent, callback_delay_seconds=30)
    # then nothing has landed yet: the order page keeps polling
    intent.refresh_from_db()
    assert (intent.status, intent.submitted_at is not None) == (
        "requires_payment",
        True,
    )
    assert ProviderEvent.objects.count() == 0
    # when it finally arrives
    assert tasks.sandbox_callback_deliver.call_local(event_for(intent)) == "captured"
    intent.refresh_from_db()
    assert intent.status == "succeeded"


def test_repeated_callback_captures_once(django_capture_on_commit_callbacks):
    payer = make_user()
    intent = make_intent(payer=payer, amount_fen=800)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_payment_submit(actor=payer, intent=intent, callback_copies=3)
    assert ProviderEvent.objects.count() == 1
    held = LedgerAccount.objects.get(kind="shopper_held", user=payer)
    assert held.balance_fen == 800


def test_http_transport_posts_the_signed_event_to_the_endpoint(settings, monkeypatch):
    # given the sandbox configured to call back over HTTP (served by the test client)
    settings.GROUPBUY_SANDBOX_CALLBACK_URL = (
        "http://testserver/api/escrow/callbacks/sandbox"
    )
    server = Client()
    sent = []

    def post(url, *, content, headers, timeout):
        sent.append(url)
        return server.post(
            url.removeprefix("http://testserver"),
            data=content,
            content_type="application/json",
            headers=headers,
        )

    monkeypatch.setattr(httpx, "post", post)
    payer = make_user()
    intent = make_intent(payer=payer)
    # when
    result = tasks.sandbox_callback_deliver.call_local(event_for(intent))
    # then
    assert result == "200"
    assert sent == [settings.GROUPBUY_SANDBOX_CALLBACK_URL]
    intent.refresh_from_db()
    assert intent.status == "succeeded"


def test_a_refused_in_process_callback_is_logged_not_retried():
    intent = make_intent(payer=make_user(), amount_fen=100)
    assert (
        tasks.sandbox_callback_deliver.call_local(event_for(intent, amount_fen=5))
        == "amount_mismatch"
    )
