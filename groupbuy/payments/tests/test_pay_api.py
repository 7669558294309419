"""Paying through the API: the ways on a device, starting one, who may."""

from __future__ import annotations

import pytest

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.escrow.tests.factories import make_user
from groupbuy.moderation.tests.factories import bearer
from groupbuy.payments.models import WechatOpenId
from groupbuy.payments.tests.test_pay_page import _intent

pytestmark = pytest.mark.django_db


def _ways(client, intent, user, device="phone"):
    return client.get(
        f"/api/payments/intents/{intent.public_id}/ways?device={device}",
        headers=bearer(user),
    )


def _start(client, intent, user, **body):
    return client.post(
        f"/api/payments/intents/{intent.public_id}/start",
        body,
        content_type="application/json",
        headers=bearer(user),
    )


def test_a_payer_lists_the_ways_and_starts_alipay_on_a_phone(client, fake_alipay):
    payer = make_user(preferred_language="en")  # answers in their language
    intent = _intent(payer)
    ways = _ways(client, intent, payer).json()
    assert [way["provider"] for way in ways["ways"]] == ["alipay", "sandbox"]
    assert ways["ways"][0]["label"] == "Alipay"
    answer = _start(client, intent, payer, provider="alipay", device="phone")
    assert answer.status_code == 200, answer.json()
    action = answer.json()
    assert action["kind"] == "redirect"
    assert action["url"].startswith(fake_alipay.url)
    intent.refresh_from_db()
    assert (intent.provider, intent.submitted_at is not None) == ("alipay", True)
    # once started with Alipay, switching to another provider is refused
    switched = _start(client, intent, payer, provider="sandbox", device="phone")
    assert switched.status_code == 409
    assert switched.json()["code"] == "payment_not_startable"


def test_the_sandbox_start_answers_its_whole_pay_page_address(client):
    payer = make_user()
    intent = _intent(payer)
    action = _start(client, intent, payer, provider="sandbox", device="desktop")
    assert action.json()["url"] == (
        f"http://testserver/escrow/sandbox/pay/{intent.public_id}/"
    )


def test_a_provider_not_offered_on_the_device_is_a_400_and_starts_nothing(client):
    payer = make_user()
    intent = _intent(payer)
    answer = _start(client, intent, payer, provider="alipay", device="phone")
    assert answer.status_code == 400
    assert answer.json()["code"] == "provider_unavailable"
    intent.refresh_from_db()
    assert intent.submitted_at is None
    unknown_device = _start(client, intent, payer, provider="sandbox", device="tv")
    assert unknown_device.status_code == 422


def test_wechat_pay_inside_wechat_needs_the_account_linked_on_the_pay_page(
    client, fake_wechat, settings
):
    settings.GROUPBUY_WECHAT_APP_SECRET = "secret"
    payer = make_user()
    intent = _intent(payer)
    answer = _start(client, intent, payer, provider="wechat", device="wechat")
    assert answer.status_code == 409
    assert answer.json()["code"] == "wechat_not_linked"
    assert answer.json()["pay_url"] == (
        f"http://testserver/payments/pay/{intent.public_id}/"
    )
    # once linked there, the API answers the JS bridge's parameters
    WechatOpenId.objects.create(
        user=payer, appid=settings.GROUPBUY_WECHATPAY_APPID, openid="o-payer"
    )
    action = _start(client, intent, payer, provider="wechat", device="wechat").json()
    assert action["kind"] == "jsapi"
    assert action["jsapi"]["appId"] == settings.GROUPBUY_WECHATPAY_APPID
    assert action["jsapi"]["package"].startswith("prepay_id=")


def test_no_one_but_the_payer_sees_or_starts_a_payment(client):
    payer = make_user()
    intent = _intent(payer)
    owner = make_merchant_member().user
    for person in (make_user(), owner, make_user(is_staff=True)):
        assert _ways(client, intent, person).status_code == 404
        answer = _start(client, intent, person, provider="sandbox", device="phone")
        assert answer.status_code == 404
    intent.refresh_from_db()
    assert intent.provider == "sandbox" and intent.submitted_at is None
