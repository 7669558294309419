"""A shopper on a phone pays a deal through Alipay's WAP cashier (a fake Alipay
gateway on 127.0.0.1, with keys made here) and sees the order paid: the real
`groupbuy serve`, the real SDK, a notification signed as Alipay signs it."""

from __future__ import annotations

import json
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
        # (its two seeds in one kept Python, not a `groupbuy shell` each)
        shop.keep_shell()
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


PAYABLE_SEED = """
import json
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Merchant
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.payments.models import PayoutSchedule

User.objects.create_user(
    phone="+8613900077001", password="operator-pw-1", is_staff=True
)
merchant = Merchant.objects.create(name="打款超市", name_en="Payout Mart")
ledger.ledger_post(
    kind="test.settled",
    idempotency_key="e2e-payout-settled",
    entries=[
        (ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL), -25_000),
        (ledger.merchant_payable_account(merchant=merchant), 25_000),
    ],
)
PayoutSchedule.objects.create(
    merchant=merchant, enabled=False, provider="alipay",
    payee_account="merchant@example.com", payee_name="Payout Mart Ltd",
)
print(json.dumps({"merchant": merchant.public_id}))
"""


def test_an_operator_pays_a_merchant_what_it_is_owed(chromium, alipay_shop):
    shop, gateway = alipay_shop
    merchant = json.loads(shop.run_python(PAYABLE_SEED).strip().splitlines()[-1])[
        "merchant"
    ]
    context = chromium.new_context(
        base_url=shop.url, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        # given an operator on the payouts page
        page.goto("/login/?next=/payments/operator/payouts/")
        page.fill("#id_phone", "13900077001")
        page.fill("#id_password", "operator-pw-1")
        page.click("#login-submit")
        # then the merchant is listed with what it is owed
        row = page.locator(f"#payable-{merchant}")
        assert "¥250.00" in row.inner_text()
        # when they choose Pay out beside it
        row.locator(".pay-out").click()
        # then the form holds the merchant, its whole payable and its account
        assert page.input_value("#id_merchant") == merchant
        assert page.input_value("#id_amount_fen") == "250.00"
        assert page.input_value("#id_payee_account") == "merchant@example.com"
        # when they ask for more than it is owed, the page says no and keeps
        # what they typed
        page.fill("#id_amount_fen", "300")
        # (the account is typed here: the approval asks for the password)
        page.fill("#id_password", "operator-pw-1")
        page.click("#payout-approve")
        page.wait_for_selector("#form-errors")
        assert page.input_value("#id_amount_fen") == "300"
        # and, the password having been accepted, it is not asked again
        assert page.locator("#id_password").count() == 0
        # when they approve ¥100
        page.fill("#id_amount_fen", "100")
        page.click("#payout-approve")
        # then the payout is listed, Alipay was asked to transfer ¥100.00, and
        # the merchant is owed ¥150.00
        page.wait_for_selector("#payout-list td:has-text('¥100.00')")
        assert [amount for _payee, amount in gateway.transfers.values()] == ["100.00"]
        assert "¥150.00" in page.locator(f"#payable-{merchant}").inner_text()
        # and the focus is on the message saying so (a screen reader reads it
        # first, not the page from the top)
        assert page.evaluate("document.activeElement.id") == "messages"
        # and the page fits the phone
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
