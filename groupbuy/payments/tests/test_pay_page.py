"""The pay page: the enabled providers that fit the device, each one's flow,
who may use it."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.audit import AuditEntry
from groupbuy.escrow.services import intent_pay_url, payment_intent_create
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.services import device_from_user_agent, providers_for_device

pytestmark = pytest.mark.django_db
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"
WECHAT_UA = PHONE_UA + " MicroMessenger/8.0.50(0x18003237) NetType/WIFI"


@pytest.fixture
def all_providers(fake_alipay, fake_wechat, settings):
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["alipay", "wechat", "sandbox"]
    return fake_alipay, fake_wechat


def _intent(payer):
    return payment_intent_create(
        actor=payer,
        payer=payer,
        amount_fen=9_900,
        purpose="test.purpose",
        reference="ref_1",
        description="2 × Jasmine tea",
    )


def _url(intent):
    return f"/payments/pay/{intent.public_id}/"


def test_the_device_is_told_by_the_user_agent():
    assert device_from_user_agent(DESKTOP_UA) == "desktop"
    assert device_from_user_agent(PHONE_UA) == "phone"
    assert device_from_user_agent(WECHAT_UA) == "wechat"


def test_only_enabled_providers_that_fit_the_device_are_offered(all_providers):
    assert providers_for_device("desktop") == ["alipay", "wechat", "sandbox"]
    assert providers_for_device("phone") == ["alipay", "wechat", "sandbox"]
    # JSAPI needs an openid, from WeChat OAuth with the AppSecret (not set here)
    assert providers_for_device("wechat") == ["sandbox"]


def test_with_several_providers_the_shop_sends_payers_to_the_choice(
    all_providers, settings
):
    intent = _intent(make_user())
    assert intent_pay_url(intent) == _url(intent)
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    sandbox_only = _intent(make_user())
    assert intent_pay_url(sandbox_only) == (
        f"/escrow/sandbox/pay/{sandbox_only.public_id}/"
    )


def test_the_page_offers_each_provider(client, all_providers):
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    page = client.get(_url(intent), headers={"User-Agent": PHONE_UA})
    inside_wechat = client.get(_url(intent), headers={"User-Agent": WECHAT_UA})
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("alipay", "wechat", "sandbox"):
        assert f'id="pay-with-{name}"' in html
    assert 'id="pay-with-alipay"' not in inside_wechat.content.decode()


def test_each_provider_is_offered_by_its_name_for_people(client, all_providers):
    # (the sandbox's button read "Pay with sandbox", 使用sandbox支付)
    payer = make_user(preferred_language="en")
    client.force_login(payer)
    html = client.get(_url(_intent(payer)), headers={"User-Agent": PHONE_UA})
    html = html.content.decode()
    for label in ("Alipay", "WeChat Pay", "Sandbox (test payment)"):
        assert f"Pay with {label}" in html
    assert "Pay with sandbox" not in html


def test_alipay_on_a_desktop_redirects_to_page_pay_and_counts_as_submitted(
    client, all_providers
):
    # given
    fake_alipay, _ = all_providers
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    # when
    response = client.post(
        _url(intent), {"provider": "alipay"}, headers={"User-Agent": DESKTOP_UA}
    )
    # then
    assert response.status_code == 302
    assert response.url.startswith(fake_alipay.url + "?")
    fields = dict(parse_qsl(urlsplit(response.url).query))
    assert fields["method"] == "alipay.trade.page.pay"
    fake_alipay.open_cashier(response.url)  # the signature verifies
    intent.refresh_from_db()
    assert intent.provider == "alipay"
    assert intent.submitted_at is not None
    entry = AuditEntry.objects.get(action="payments.payment.started")
    assert entry.data == {"provider": "alipay", "device": "desktop"}


def test_alipay_on_a_phone_redirects_to_wap_pay(client, all_providers):
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    response = client.post(
        _url(intent), {"provider": "alipay"}, headers={"User-Agent": PHONE_UA}
    )
    fields = dict(parse_qsl(urlsplit(response.url).query))
    assert fields["method"] == "alipay.trade.wap.pay"
    assert json.loads(fields["biz_content"])["product_code"] == "QUICK_WAP_PAY"


def test_wechat_on_a_desktop_shows_a_qr_code(client, all_providers):
    _, fake_wechat = all_providers
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    response = client.post(
        _url(intent), {"provider": "wechat"}, headers={"User-Agent": DESKTOP_UA}
    )
    assert response.status_code == 200
    # drawn as one image named for screen readers (in the payer's language),
    # which skip a bare svg
    assert re.search(
        r'<div id="pay-qr" role="img" aria-label="[^"]+"><svg',
        response.content.decode(),
    )
    assert fake_wechat.requests[-1][1] == "/v3/pay/transactions/native"


def test_wechat_on_a_phone_redirects_to_h5(client, all_providers):
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    response = client.post(
        _url(intent), {"provider": "wechat"}, headers={"User-Agent": PHONE_UA}
    )
    assert response.status_code == 302
    assert response.url.startswith("https://wx.tenpay.com/")


def test_once_started_at_one_provider_the_payer_cannot_switch(client, all_providers):
    # given
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    client.post(_url(intent), {"provider": "alipay"}, headers={"User-Agent": PHONE_UA})
    # when
    again = client.post(
        _url(intent), {"provider": "alipay"}, headers={"User-Agent": PHONE_UA}
    )
    switch = client.post(
        _url(intent), {"provider": "wechat"}, headers={"User-Agent": PHONE_UA}
    )
    # then the same provider may be opened again, another one is refused
    assert again.status_code == 302
    assert switch.status_code == 409
    intent.refresh_from_db()
    assert intent.provider == "alipay"


def test_a_provider_not_offered_is_refused(client, all_providers):
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    response = client.post(
        _url(intent), {"provider": "alipay"}, headers={"User-Agent": WECHAT_UA}
    )
    assert response.status_code == 400
    intent.refresh_from_db()
    assert intent.provider == "alipay"  # the default, untouched
    assert intent.submitted_at is None


def test_sandbox_choice_goes_to_the_sandbox_page(client, all_providers):
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    response = client.post(
        _url(intent), {"provider": "sandbox"}, headers={"User-Agent": DESKTOP_UA}
    )
    assert response.url == f"/escrow/sandbox/pay/{intent.public_id}/"
    intent.refresh_from_db()
    assert (intent.provider, intent.submitted_at) == ("sandbox", None)


@pytest.mark.parametrize("who", ["another_user", "another_merchant", "operator"])
def test_nobody_else_may_see_or_start_the_payment(client, all_providers, who):
    # given
    payer = make_user()
    intent = _intent(payer)
    if who == "another_user":
        intruder = make_user()
    elif who == "another_merchant":
        intruder = make_merchant_member().user
    else:
        intruder = make_user(is_staff=True)
    client.force_login(intruder)
    # when
    seen = client.get(_url(intent), headers={"User-Agent": DESKTOP_UA})
    started = client.post(
        _url(intent), {"provider": "alipay"}, headers={"User-Agent": DESKTOP_UA}
    )
    # then
    assert (seen.status_code, started.status_code) == (404, 404)
    intent.refresh_from_db()
    assert intent.submitted_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, all_providers):
    intent = _intent(make_user())
    response = client.get(_url(intent))
    assert response.status_code == 302
    assert "login" in response.url or "sign" in response.url
