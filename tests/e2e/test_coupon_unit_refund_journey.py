"""A shopper refunds one of their coupon's two unused units in a real browser
against `groupbuy serve`: from the coupon page to the refund page, "Refund only
some units", then the coupon page lists the refund and keeps the code for the
unit left, says who made the refund and how much of the coupon was refunded, as
My coupons does. The refund page and the coupon page after it pass axe's serious and
critical checks."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e import sign_in
from tests.e2e.coupon_seeding import PASSWORD
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser]

SHOPPER_PHONE = "+8613900007751"
OWNER_PHONE = "+8613900007752"


def test_a_shopper_refunds_one_unit_and_keeps_the_other(page, groupbuy_server):
    # given a confirmed 2-unit coupon (¥15.00 a unit) and its shopper on its page
    code = (
        "import json\n"
        "from tests.e2e.coupon_seeding import seed_confirmed_coupon\n"
        "print(json.dumps(seed_confirmed_coupon("
        f"shopper_phone={SHOPPER_PHONE!r}, owner_phone={OWNER_PHONE!r})))"
    )
    seeded = json.loads(groupbuy_server.run_python(code).strip().splitlines()[-1])
    sign_in(page, SHOPPER_PHONE, PASSWORD)
    page.goto(f"/coupons/{seeded['coupon']}/")
    # when they follow the refund link and open "Refund only some units"
    page.click("#coupon-refund-link")
    page.wait_for_selector("#coupon-refund-confirm")
    page.click("#coupon-refund-some summary")
    expect(page.locator("#coupon-refund-units")).to_be_visible()
    assert axe_violations(page) == []
    # and refund 1 unit
    page.fill("#coupon-refund-units", "1")
    page.click("#coupon-refund-some-submit")
    # then the coupon page says what went back and what is left
    expect(page.locator("#messages")).to_contain_text(
        "¥15.00 is on its way back to you; the coupon still holds 1 unit for the till."
    )
    expect(page.locator("#coupon-refunds")).to_contain_text("1 unit refunded: ¥15.00")
    expect(page.locator("#coupon-left")).to_contain_text("1 left")
    # and the code is still shown for the unit left
    expect(page.locator("#coupon-qr svg")).to_be_visible()
    # and says how much of it was refunded, by whom, and My coupons says so too
    expect(page.locator("#coupon-refunded-summary")).to_have_text(
        "1 of 2 units refunded, ¥15.00 back"
    )
    expect(page.locator("#coupon-refunds")).to_contain_text("You refunded it")
    # and the page, its message shown, passes axe
    assert axe_violations(page) == []
    page.goto("/coupons/")
    expect(page.locator(f"#coupon-{seeded['coupon']} .coupon-refunded")).to_have_text(
        "1 of 2 units refunded, ¥15.00 back · 1 left"
    )
