"""Payment providers are chosen by settings; a disabled sandbox is not there."""

from __future__ import annotations

import pytest

from groupbuy.core.audit import AuditEntry
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import PaymentIntent, ProviderEvent
from groupbuy.escrow.providers import (
    default_provider_name,
    enabled_provider_names,
    get_enabled_provider,
    get_provider,
    is_sandbox_enabled,
    sandbox,
)
from groupbuy.escrow.services import payment_intent_create
from groupbuy.escrow.tests.factories import event_for, make_intent, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox_disabled(settings):
    settings.GROUPBUY_PAYMENT_PROVIDERS = []


def test_the_setting_lists_the_enabled_providers(settings):
    # given
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox", "no-such-provider"]
    # then unknown names are ignored, known ones enabled in order
    assert enabled_provider_names() == ["sandbox"]
    assert is_sandbox_enabled()
    assert default_provider_name() == "sandbox"
    assert get_enabled_provider("sandbox").name == "sandbox"


def test_a_disabled_provider_is_404_for_new_work_but_kept_for_old_payments(
    sandbox_disabled,
):
    with pytest.raises(EscrowError) as refused:
        get_enabled_provider("sandbox")
    assert refused.value.status == 404
    assert refused.value.code == "unknown_provider"
    assert get_provider("sandbox").name == "sandbox"
    assert not is_sandbox_enabled()


def test_no_enabled_provider_refuses_new_payments_and_stores_nothing(
    sandbox_disabled,
):
    # given
    payer = make_user()
    # when
    with pytest.raises(EscrowError) as refused:
        payment_intent_create(
            actor=payer,
            payer=payer,
            amount_fen=100,
            purpose="test.purpose",
            reference="ref_1",
            description="tea",
        )
    # then
    assert refused.value.code == "payments_unavailable"
    assert refused.value.status == 503
    assert not PaymentIntent.objects.exists()


def test_sandbox_pay_page_is_404_when_disabled_even_signed_out(client, settings):
    # given a sandbox payment made while the sandbox was on
    payer = make_user()
    intent = make_intent(payer=payer)
    url = f"/escrow/sandbox/pay/{intent.public_id}/"
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    # when / then
    assert client.get(url).status_code == 404
    client.force_login(payer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "pay"}).status_code == 404
    intent.refresh_from_db()
    assert intent.submitted_at is None


def test_sandbox_pay_api_is_404_when_disabled(client, settings):
    # given
    payer = make_user()
    intent = make_intent(payer=payer)
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    client.force_login(payer)
    audit_rows = AuditEntry.objects.count()
    # when
    response = client.post(
        f"/api/escrow/intents/{intent.public_id}/sandbox-pay",
        {"outcome": "succeeded"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_provider"
    intent.refresh_from_db()
    assert intent.submitted_at is None
    assert AuditEntry.objects.count() == audit_rows


def test_signed_sandbox_callback_is_404_when_disabled(client, settings):
    # given a correctly signed callback for a real intent
    payer = make_user()
    intent = make_intent(payer=payer)
    body, headers = sandbox.encode_event(event_for(intent))
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    # when
    response = client.post(
        "/api/escrow/callbacks/sandbox",
        body,
        content_type="application/json",
        headers={"X-Sandbox-Signature": headers["X-Sandbox-Signature"]},
    )
    # then nothing is captured
    assert response.status_code == 404
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.REQUIRES_PAYMENT
    assert not ProviderEvent.objects.exists()


def test_every_page_shows_the_test_payments_banner_while_the_sandbox_is_on(
    client, settings
):
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    assert b'id="test-payments-banner"' in client.get("/").content
    assert b'id="test-payments-banner"' in client.get("/no-such-page/").content
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    assert b'id="test-payments-banner"' not in client.get("/").content


def test_joining_a_deal_without_payment_providers_is_503_and_reserves_nothing(
    client, sandbox_disabled
):
    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.tests.factories import make_deal

    # given an open deal and a signed-in shopper, with no provider enabled
    deal = make_deal()
    client.force_login(make_user())
    # when
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
    )
    # then
    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"
    deal.refresh_from_db()
    assert deal.sold == 0
    assert not DealOrder.objects.exists()
    assert not PaymentIntent.objects.exists()
