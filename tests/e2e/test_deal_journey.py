"""The shopper's core journey in a real browser against `groupbuy serve`.

sign up → join a deal → pay on the sandbox page → see the order → the deal
closes at its deadline → the order shows confirmed; and, for a deal that does
not reach its target, refunded.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.sms import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Far enough out for a slow machine to sign up and pay; once both orders are
# paid the merchant's "bring the deadline forward" moves it to a few seconds.
SECONDS_TO_DEADLINE = 600
SECONDS_AFTER_PAYING = 3


def _join_and_pay(page, deal_id: str, *, quantity: int) -> str:
    page.goto(f"/deals/{deal_id}/")
    page.fill("#join-quantity", str(quantity))
    page.click("#join-submit")
    page.wait_for_url("**/escrow/sandbox/pay/**")
    page.click("#sandbox-pay")
    page.wait_for_url("**/orders/**")
    order_url = page.url
    # The gateway's callback arrives asynchronously; the page polls until paid.
    page.wait_for_selector("#order-paid", timeout=20_000)
    return order_url


def _wait_for(page, url: str, selector: str, *, until: float) -> None:
    while True:
        page.goto(url)
        if page.locator(selector).count():
            return
        if time.monotonic() > until:
            raise AssertionError(f"{selector} never appeared on {url}")
        time.sleep(1.0)


def test_sign_up_join_pay_and_see_the_deal_close(page, groupbuy_server):
    # given two open deals: one needs 1 buyer, one 2
    deals = {
        key: groupbuy_server.seed(
            f"seed_open_deal(gtin='{gtin}', tiers={tiers}, stock=20,"
            f" seconds_to_deadline={SECONDS_TO_DEADLINE})"
        )["deal"]
        for key, gtin, tiers in (
            ("succeeds", "6901234567892", [(1, 1500), (5, 1200)]),
            ("fails", "6901234567908", [(2, 1500)]),
        )
    }

    # when a new shopper signs up (with the SMS code from the file outbox)
    sign_up(
        page,
        groupbuy_server,
        phone="139 0000 1234",
        password="journey-password-1",
        name="Journey",
    )

    # and joins and pays for both deals on the sandbox gateway
    succeeding_order = _join_and_pay(page, deals["succeeds"], quantity=2)
    failing_order = _join_and_pay(page, deals["fails"], quantity=1)

    # then the orders are listed
    page.goto("/orders/")
    assert page.locator("#order-list a").count() >= 2

    # when, with the second order's page open, both deadlines are brought
    # forward to a few seconds from now
    page.goto(failing_order)
    page.evaluate("window.notReloaded = true")
    for deal in deals.values():
        groupbuy_server.seed(
            f"deal_deadline_in(deal={deal!r}, seconds={SECONDS_AFTER_PAYING})"
        )
    until = time.monotonic() + SECONDS_AFTER_PAYING + 60

    # then the deal that missed its target refunds everything, and the open
    # page shows it by itself: the status and the amounts list beside it
    page.wait_for_selector("#order-refunded-amount", timeout=60_000)
    assert "¥15.00" in page.inner_text("#order-refunded-amount")
    assert page.locator("#order-refunded").count() == 1
    assert page.evaluate("window.notReloaded") is True
    # and the first is confirmed at the reached tier
    _wait_for(page, succeeding_order, "#order-confirmed", until=until)
    assert "¥30.00" in page.inner_text("#order-amounts")  # 2 × ¥15.00

    # and my money shows nothing held any more
    page.goto("/money/")
    assert page.locator("#money-held").inner_text().strip() == "¥0.00"
