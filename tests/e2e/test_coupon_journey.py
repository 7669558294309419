"""Coupons in a real browser against `groupbuy serve`.

a confirmed order → the shopper opens the coupon and its QR → the merchant
scans its PNG in the console → redeemed, and the shopper's open page says so
→ a second scan is refused → the redemption is on the settlement statement.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in
from tests.e2e.coupon_seeding import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed(server, **kwargs) -> dict:
    code = (
        "import json\n"
        "from tests.e2e.coupon_seeding import seed_confirmed_coupon\n"
        f"print(json.dumps(seed_confirmed_coupon(**{kwargs!r})))"
    )
    return json.loads(server.run_python(code).strip().splitlines()[-1])


def _log_in(page, phone: str) -> None:
    sign_in(page, phone, PASSWORD)


def test_shopper_shows_the_qr_and_the_merchant_redeems_it_once(
    page, chromium, groupbuy_server, tmp_path
):
    # given a confirmed order of 2 units at a merchant with a station key
    seeded = _seed(
        groupbuy_server, shopper_phone="+8613900007701", owner_phone="+8613900007702"
    )

    # when the shopper opens their order, and its coupon from there
    _log_in(page, "+8613900007701")
    page.goto(f"/orders/{seeded['order']}/")
    page.click("#order-coupon-link")
    # (My coupons lists it too)
    page.wait_for_selector("#coupon-qr svg")
    page.goto("/coupons/")
    page.click(f"#coupon-{seeded['coupon']} a")
    # then the coupon page shows its QR and serial
    page.wait_for_selector("#coupon-qr svg")
    assert page.inner_text("#coupon-serial") == seeded["serial"]
    assert "Valid" in page.inner_text("#coupon-status")
    code = page.locator("#coupon-code-text").text_content().strip()
    assert code.startswith("GB1:")
    png = page.request.get(f"/coupons/{seeded['coupon']}/code.png")
    assert png.ok and png.headers["content-type"] == "image/png"
    photo = tmp_path / "coupon.png"
    photo.write_bytes(png.body())

    # when the merchant, at the till, scans the PNG in the console while the
    # shopper's page stays open
    till = chromium.new_context(base_url=groupbuy_server.url)
    till.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        cashier = till.new_page()
        _log_in(cashier, "+8613900007702")
        cashier.goto(f"/coupons/merchant/{seeded['merchant']}/")
        cashier.set_input_files("#redeem-photo", str(photo))
        # (both units: an empty units field takes one)
        cashier.fill("#id_quantity", "2")
        cashier.click("#photo-form button[type=submit]")
        # then it is redeemed, both units, and listed for today
        result = cashier.inner_text("#redeem-result")
        assert seeded["serial"] in result
        assert cashier.get_attribute("#redeem-result", "data-units") == "2"
        assert seeded["serial"] in cashier.inner_text("#redemptions")
        # and the shopper's page says so at once, without its code, unreloaded
        page.locator("#coupon-status", has_text="Redeemed").wait_for(timeout=15_000)
        assert page.locator("#coupon-qr").count() == 0
        assert page.locator("#coupon-redemptions li").count() == 1

        # when the same code is typed (pasted) again
        cashier.fill("#redeem-code", code)
        cashier.click("#redeem-submit")
        # then it is refused, saying when it was redeemed
        error = cashier.locator("#redeem-error")
        assert error.get_attribute("data-code") == "already_redeemed"
        # and the code sent is kept, selected, so the next scan replaces it
        kept = cashier.evaluate(
            "() => { const f = document.getElementById('redeem-code');"
            " return [f.value, document.activeElement === f,"
            " f.selectionStart === 0 && f.selectionEnd === f.value.length]; }"
        )
        assert kept == [code, True, True]
        # (the merchant's page is in Chinese: 已于 <date time> 在 <where> 核销。)
        today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
        assert today in error.inner_text()

        # and the redemption is on this month's settlement statement
        cashier.click("#statement-link")
        assert seeded["serial"] in cashier.inner_text("#statement-lines")
    finally:
        till.close()
