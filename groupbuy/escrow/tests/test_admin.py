"""The ledger account admin shows balances summed from shards."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from groupbuy.core.times import format_local_time
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, Refund
from groupbuy.escrow.providers.base import PAYMENT_FAILED
from groupbuy.escrow.refunds import refund_confirm
from groupbuy.escrow.services import payment_refund
from groupbuy.escrow.tests.factories import (
    apply_event,
    event_for,
    make_captured_intent,
    make_intent,
    make_user,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def test_the_account_admin_shows_a_platform_accounts_summed_balance():
    # given three postings into gateway clearing, on three shard rows
    external = ledger.system_account(kind=Kind.EXTERNAL)
    clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
    for number in range(3):
        ledger.ledger_post(
            kind="in",
            idempotency_key=f"in{number}",
            entries=[(external, -1_234), (clearing, 1_234)],
        )
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    # when an operator opens the account list and the account
    listing = client.get("/admin/escrow/ledgeraccount/")
    detail = client.get(f"/admin/escrow/ledgeraccount/{clearing.pk}/change/")
    # then both show the sum, 3,702 fen, not the account row's own 0
    assert listing.status_code == detail.status_code == 200
    assert [
        account.current_balance_fen
        for account in listing.context["cl"].result_list
        if account.pk == clearing.pk
    ] == [3_702]
    assert "¥37.02" in detail.content.decode()


def _operator_reading_english() -> Client:
    client = Client()
    client.force_login(
        make_user(is_staff=True, is_superuser=True, preferred_language="en")
    )
    return client


def _column(listing, name: str) -> list[str]:
    """The cells of the admin change list's column ``name``, as shown."""
    from django.contrib.admin.templatetags.admin_list import items_for_result

    changelist = listing.context["cl"]
    index = list(changelist.list_display).index(name)
    return [
        str(list(items_for_result(changelist, result, None))[index])
        for result in changelist.result_list
    ]


def test_the_payment_list_names_what_each_paid_for_and_its_provider_in_words():
    # given a group-buy order's payment, paid in the sandbox
    payer = make_user()
    make_captured_intent(payer=payer, purpose="deals.order", reference="ord_x")
    # when an operator reading English opens the payment list
    listing = _operator_reading_english().get("/admin/escrow/paymentintent/")
    # then what it paid for and its provider are words, not codes (until
    # 2026-12-06 the list read deals.order, and its filters sandbox)
    assert listing.status_code == 200
    assert [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in _column(listing, "purpose_label")
    ] == ["Group-buy order"]
    assert [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in _column(listing, "provider_label")
    ] == ["Sandbox (test payment)"]
    filters = {
        spec.title: [
            choice["display"] for choice in spec.choices(listing.context["cl"])
        ]
        for spec in listing.context["cl"].filter_specs
    }
    assert filters["provider"][1:] == ["Sandbox (test payment)"]
    assert filters["what for"][1:] == ["Group-buy order"]
    html = listing.content.decode()
    assert ">deals.order<" not in html and ">sandbox<" not in html


def test_the_refund_list_gives_each_reason_in_words_or_as_written():
    # given one refund by the platform and one a merchant explained in words
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=2_000)
    for key, reason in (("a", "operator"), ("b", "Out of stock, sorry")):
        payment_refund(
            actor=payer,
            intent=intent,
            amount_fen=500,
            idempotency_key=key,
            reason=reason,
        )
    client = _operator_reading_english()
    # when an operator reading English opens the refund list and the payment
    listing = client.get("/admin/escrow/refund/")
    payment = client.get(f"/admin/escrow/paymentintent/{intent.pk}/change/")
    # then the platform's refund reads "Refunded by the platform", the note as
    # written, and neither page shows the code "operator"
    assert listing.status_code == payment.status_code == 200
    assert sorted(
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in _column(listing, "reason_label")
    ) == ["Out of stock, sorry", "Refunded by the platform"]
    for page in (listing, payment):
        html = page.content.decode()
        assert "Refunded by the platform" in html
        assert ">operator<" not in html


def test_a_refunds_page_says_where_it_stands_and_keeps_the_error_for_support():
    # given a refund the provider has not confirmed after one try, which
    # failed with the program's words, and one it confirmed
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=2_000)
    waiting, confirmed = (
        payment_refund(actor=payer, intent=intent, amount_fen=500, idempotency_key=key)
        for key in ("a", "b")
    )
    error = "ProviderError('sandbox: 503 Service Unavailable')"
    retry_at = timezone.now() + timedelta(minutes=1)
    Refund.objects.filter(pk=waiting.pk).update(
        attempts=1, next_attempt_at=retry_at, last_error=error
    )
    refund_confirm(refund=confirmed, provider_reference="sbx_rf_1")
    confirmed.refresh_from_db()
    client = _operator_reading_english()
    # when an operator reading English opens each refund's page
    waiting_page = client.get(f"/admin/escrow/refund/{waiting.pk}/change/")
    confirmed_page = client.get(f"/admin/escrow/refund/{confirmed.pk}/change/")
    # then each says where it stands in a sentence (until 2026-12-06 the page
    # gave only the error), and the error is there for support under the
    # technical details, which open on demand
    assert waiting_page.status_code == confirmed_page.status_code == 200
    html = waiting_page.content.decode()
    assert (
        "Sandbox (test payment) has not confirmed it after 1 attempt; it is "
        f"asked again at {format_local_time(retry_at)}."
    ) in html
    details = html.index("<details><summary>")
    assert "Technical details" in html[details : html.index("</summary>", details)]
    assert html.index(escape(error)) > details
    assert (
        "Confirmed by Sandbox (test payment) on "
        f"{format_local_time(confirmed.confirmed_at)}."
    ) in confirmed_page.content.decode()


def test_the_provider_event_list_says_what_each_event_said_in_words():
    # given a payment the sandbox said was paid and one it said failed
    payer = make_user()
    make_captured_intent(payer=payer, reference="ord_paid")
    failed = make_intent(payer=payer, reference="ord_failed")
    apply_event(event_for(failed, event_type=PAYMENT_FAILED))
    # when an operator reading English opens the provider event list
    listing = _operator_reading_english().get("/admin/escrow/providerevent/")
    # then the provider, what each event said and its outcome are words, and
    # the filters offer them so (until 2026-12-06 the list read sandbox and
    # payment.succeeded, and its filters the same codes)
    assert listing.status_code == 200
    texts = {
        name: [
            cell.split(">", 1)[1].split("<", 1)[0] for cell in _column(listing, name)
        ]
        for name in ("provider_label", "type_label", "outcome")
    }
    assert texts == {
        "provider_label": ["Sandbox (test payment)"] * 2,
        "type_label": ["Payment failed", "Paid"],
        "outcome": ["Marked failed", "Captured"],
    }
    filters = {
        str(spec.title): [
            choice["display"] for choice in spec.choices(listing.context["cl"])
        ]
        for spec in listing.context["cl"].filter_specs
    }
    assert filters["provider"][1:] == ["Sandbox (test payment)"]
    assert filters["type"][1:] == ["Paid", "Payment failed"]
    html = listing.content.decode()
    for code in ("sandbox", "payment.succeeded", "payment.failed"):
        assert f">{code}<" not in html


def test_a_provider_events_page_says_it_in_words_and_cuts_the_payers_ids():
    # given an event whose payload names the payer (WeChat's openid, a phone)
    payer = make_user()
    intent = make_captured_intent(payer=payer, reference="ord_words")
    event = intent.provider_events.get()
    event.payload = {
        **event.payload,
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "attach": "call +8613800138071",
        "sign": "c2lnbmVk",
    }
    event.save(update_fields=["payload"])
    # when an operator reading English opens the event
    page = _operator_reading_english().get(
        f"/admin/escrow/providerevent/{event.pk}/change/"
    )
    html = page.content.decode()
    # then its title says what happened in words, not payment.succeeded
    assert page.status_code == 200
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "payment.succeeded" not in title
    assert f"Sandbox (test payment) {event.event_id}: Paid, Captured" in title
    # and the payload is shown with the payer's ids, the number and the
    # signature cut, what the provider said kept
    assert "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" not in html
    assert "****eS6o" in html
    assert "+8613800138071" not in html
    assert "+86138****8071" in html
    assert "c2lnbmVk" not in html
    assert event.payload["amount_fen"] == 9_900
    assert "9900" in html
