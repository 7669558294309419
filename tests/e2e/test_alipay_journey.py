"""A shopper on a phone pays a deal through Alipay's WAP cashier (a fake Alipay
gateway on 127.0.0.1, with keys made here) and sees the order paid: the real
`groupbuy serve`, the real SDK, a notification signed as Alipay signs it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from groupbuy.payments.tests.fake_alipay import APP_ID, FakeAlipay, KeyPair
from tests.e2e.sms import sign_up
from tests.support.servers import Deployment, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(scope="module")
def alipay_shop():
    """A fake Alipay and a groupbuy server that takes Alipay through it."""
    app_keys, alipay_keys = KeyPair.generate(), KeyPair.generate()
    gateway = FakeAlipay(app_keys=app_keys, alipay_keys=alipay_keys).start()
    with tempfile.TemporaryDirectory(prefix="groupbuy-e2e-alipay-") as data_dir:
        port = free_port()
        shop = Deployment(
            Path(data_dir),
            extra_env={
                "GROUPBUY_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "GROUPBUY_PAYMENT_PROVIDERS": "alipay,sandbox",
                "GROUPBUY_ALIPAY_APP_ID": APP_ID,
                "GROUPBUY_ALIPAY_APP_PRIVATE_KEY": app_keys.private_pem,
                "GROUPBUY_ALIPAY_PUBLIC_KEY": alipay_keys.public_pem,
                "GROUPBUY_ALIPAY_GATEWAY": gateway.url,
            },
        )
        shop.migrate()
        shop.url = shop.serve(port)
        try:
            yield shop, gateway
        finally:
            shop.stop()
            gateway.stop()


def test_a_phone_pays_a_deal_with_alipay_and_sees_the_order_paid(chromium, alipay_shop):
    shop, gateway = alipay_shop
    deal = shop.seed(
        "seed_open_deal(gtin='6901234567915', tiers=[(1, 1290)], stock=10)"
    )["deal"]
    context = chromium.new_context(
        base_url=shop.url,
        viewport={"width": 390, "height": 844},
        user_agent=IPHONE,
        locale="en-US",
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        # given a signed-up shopper on a phone
        sign_up(page, shop, phone="139 0000 7788", password="alipay-pw-1", name="Ali")
        # when they join the deal and choose Alipay
        page.goto(f"/deals/{deal}/")
        page.click("#join-submit")
        page.wait_for_url("**/payments/pay/**")
        page.click("#pay-with-alipay")
        # then Alipay's WAP cashier asks for the deal's price
        page.wait_for_selector("#cashier-pay")
        assert page.inner_text("#cashier-amount") == "¥12.90"
        # when they pay there
        page.click("#cashier-pay")
        # then they are back on the order, and it is paid
        page.wait_for_url("**/orders/**")
        page.wait_for_selector("#order-paid")
        assert gateway.notified == ["success"]
    finally:
        context.close()
