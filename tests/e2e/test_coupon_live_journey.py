"""The open coupon page catches up with its coupon in a real browser.

A coupon revoked by an operator (from its order's page in the operator console)
while its page is open turns to Revoked without a reload, and one whose moment
passes while it is open turns to Expired; and a coupon redeemed before the
page's socket has joined the person's group (ws/me/) still shows Redeemed once
the socket listens: the page fetches itself again on notify/live.js's
"realtime-user-joined".
"""

from __future__ import annotations

import json

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in
from tests.e2e.coupon_seeding import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed(server, function: str, **kwargs) -> dict:
    code = (
        "import json\n"
        f"from tests.e2e.coupon_seeding import {function}\n"
        f"print(json.dumps({function}(**{kwargs!r})))"
    )
    return json.loads(server.run_python(code).strip().splitlines()[-1])


def _other_person(chromium, server, phone: str):
    context = chromium.new_context(base_url=server.url, locale="en-US")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    person = context.new_page()
    sign_in(person, phone, PASSWORD)
    return context, person


def test_a_coupon_revoked_while_its_page_is_open_turns_to_revoked(
    page, chromium, groupbuy_server
):
    # given a shopper with their valid coupon's page open
    seeded = _seed(
        groupbuy_server,
        "seed_confirmed_coupon",
        shopper_phone="+8613900007741",
        owner_phone="+8613900007742",
    )
    _seed(groupbuy_server, "seed_operator", phone="+8613900007743")
    sign_in(page, "+8613900007741", PASSWORD)
    page.goto(f"/coupons/{seeded['coupon']}/")
    page.wait_for_selector("#coupon-qr svg")
    assert "Valid" in page.inner_text("#coupon-status")

    # when an operator revokes it from its order's page, saying why
    context, operator = _other_person(chromium, groupbuy_server, "+8613900007743")
    try:
        operator.goto(f"/operator/orders/{seeded['order']}/")
        operator.click("#operator-coupon-revoke")
        operator.wait_for_selector("#coupon-revoke-terms")
        operator.click("#coupon-revoke-confirm")  # no reason yet: refused
        operator.wait_for_selector("#field-reason.has-error")
        operator.fill("textarea[name=reason]", "Bought with a stolen card")
        operator.click("#coupon-revoke-confirm")
        operator.wait_for_selector("#operator-order-coupon[data-status=revoked]")
        assert operator.locator("#operator-coupon-revoke").count() == 0
    finally:
        context.close()

    # then the shopper's page says so at once, its code gone, unreloaded
    page.locator("#coupon-status", has_text="Revoked").wait_for(timeout=15_000)
    assert page.locator("#coupon-qr").count() == 0
    assert page.locator("#coupon-code-text").count() == 0


def test_a_redemption_before_the_socket_listens_shows_once_it_does(
    page, chromium, groupbuy_server
):
    # given a shopper whose coupon page's socket (ws/me/) is held back: the
    # page is up, its socket not yet in the person's group
    seeded = _seed(
        groupbuy_server,
        "seed_confirmed_coupon",
        shopper_phone="+8613900007721",
        owner_phone="+8613900007722",
    )
    sign_in(page, "+8613900007721", PASSWORD)
    held = []

    def hold(socket):
        held.append(socket)  # not connected to the server: nothing reaches it

    page.route_web_socket("**/ws/me/", hold)
    page.goto(f"/coupons/{seeded['coupon']}/")
    page.wait_for_selector("#coupon-qr svg")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    # (on a slow run the page may give up on a socket that never opens and dial
    # again: the newest one is the one it listens on)
    assert held
    assert "Valid" in page.inner_text("#coupon-status")

    # when the cashier redeems it meanwhile (its push reaches no socket of hers)
    context, cashier = _other_person(chromium, groupbuy_server, "+8613900007722")
    try:
        cashier.goto(f"/coupons/merchant/{seeded['merchant']}/")
        cashier.fill("#redeem-code", seeded["code"])
        cashier.fill("#id_quantity", "2")  # both units (empty takes one)
        cashier.click("#redeem-submit")
        cashier.wait_for_selector("#redeem-result")
        assert seeded["serial"] in cashier.inner_text("#redeem-result")
    finally:
        context.close()
    page.wait_for_timeout(1_000)
    assert "Valid" in page.inner_text("#coupon-status")

    # and then her socket reaches the server and joins her group
    held[-1].connect_to_server()

    # then her page catches up: redeemed, its code gone, unreloaded
    page.locator("#coupon-status", has_text="Redeemed").wait_for(timeout=15_000)
    assert page.locator("#coupon-qr").count() == 0
    assert page.locator("#coupon-redemptions li").count() == 1


def test_a_coupon_whose_moment_passes_while_its_page_is_open_turns_to_expired(
    page, groupbuy_server
):
    # given a shopper's valid coupon with a few seconds left, its page open
    seeded = _seed(
        groupbuy_server,
        "seed_confirmed_coupon",
        shopper_phone="+8613900007731",
        owner_phone="+8613900007732",
    )
    _seed(groupbuy_server, "coupon_expires_in", coupon=seeded["coupon"], seconds=6)
    sign_in(page, "+8613900007731", PASSWORD)
    page.goto(f"/coupons/{seeded['coupon']}/")
    page.wait_for_selector("#coupon-qr svg")
    assert "Valid" in page.inner_text("#coupon-status")

    # when its moment passes (no sweep has run: nothing is pushed)
    # then the page says it expired, its code gone, unreloaded
    page.locator("#coupon-status", has_text="Expired").wait_for(timeout=20_000)
    assert page.locator("#coupon-qr").count() == 0
    assert page.locator("#coupon-code-text").count() == 0
