"""Keyboard only, and what a screen reader hears, on a deal page.

A shopper who uses no mouse skips to the content, tabs through the deal page
(every stop shows where the focus is) and joins and pays with Enter. A visitor
watching the same deal hears the new buyer once, politely; the countdown's
digits are hidden from screen readers and its spoken text changes only at the
minute, not every second.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e import STEP_TIMEOUT_MS
from tests.e2e.a11y_seeding import KEYBOARD_SHOPPER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_TABS = 60


@pytest.fixture(scope="module")
def deals(groupbuy_server):
    return groupbuy_server.seed(
        "__import__('tests.e2e.a11y_seeding', fromlist=['x']).seed_keyboard_journey()"
    )


def _context(chromium, server):
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=server.url,
        viewport={"width": 360, "height": 740},
        locale="en-US",
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": server.url}])
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    id: e.id, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.width > 0,
  };
}"""


def _tab_until(page, element_id: str) -> list[dict]:
    """Press Tab until ``element_id`` has the focus; return every stop on the way."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        # every stop shows a focus ring and is scrolled into view
        assert focused["outline"], focused
        assert focused["onScreen"], focused
        if focused["id"] == element_id:
            return stops
    raise AssertionError(f"#{element_id} never got the focus: {stops}")


def test_join_and_pay_with_the_keyboard_only(chromium, groupbuy_server, deals):
    deal_path = f"/deals/{deals['deal']}/"
    watcher_context, watcher = _context(chromium, groupbuy_server)
    shopper_context, page = _context(chromium, groupbuy_server)
    try:
        # given a visitor watching the deal, and a shopper signed in
        watcher.goto(deal_path)
        announcer = watcher.locator('[data-live="progress-announce"]')
        assert announcer.get_attribute("aria-live") == "polite"
        assert announcer.inner_text() == ""  # the page load itself says nothing
        phone, password = KEYBOARD_SHOPPER
        page.goto(f"/login/?next={deal_path}")
        page.fill("input[name=phone]", phone)
        page.fill("input[name=password]", password)
        page.keyboard.press("Enter")
        page.wait_for_url(groupbuy_server.url + deal_path)

        # when they press Tab once, the skip link appears; Enter skips the menus
        page.keyboard.press("Tab")
        skip = page.evaluate(FOCUSED)
        assert skip["id"] == "skip-link" and skip["onScreen"], skip
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # and they tab through the page to the join button (no trap on the way)
        stops = _tab_until(page, "join-submit")
        assert not any(stop["id"].startswith("nav-") for stop in stops), stops
        page.keyboard.press("Enter")

        # then the payment page; they tab to Pay and press Enter
        page.wait_for_url("**/escrow/sandbox/pay/**")
        _tab_until(page, "sandbox-pay")
        page.keyboard.press("Enter")
        page.wait_for_url("**/orders/**")
        page.wait_for_selector("#order-paid", timeout=20_000)

        # and the watcher's screen reader hears the new buyer, once
        watcher.wait_for_function(
            "document.querySelector('[data-live=\"progress-announce\"]')"
            ".textContent.startsWith('1 buyer')",
            timeout=20_000,
        )
        assert "Price now ¥15.00." in announcer.inner_text()
    finally:
        shopper_context.close()
        watcher_context.close()


def test_the_countdown_is_spoken_at_the_minute_not_every_second(
    chromium, groupbuy_server
):
    deal_id = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567984', tiers=[(2, 1500)], stock=20,"
        " seconds_to_deadline=70)"
    )["deal"]
    context, page = _context(chromium, groupbuy_server)
    try:
        # given a deal that ends in about 70 seconds
        page.goto(f"/deals/{deal_id}/")
        countdown = page.locator("#deal-countdown")
        page.wait_for_function(
            "document.querySelector('#deal-countdown').dataset.secondsLeft > 0"
        )
        # the ticking digits (their tooltip the clock's error bound) are hidden
        # from screen readers; a polite live region says the time left in words
        assert countdown.locator("[data-clock-value]").get_attribute("aria-hidden")
        spoken = countdown.locator("[data-clock-spoken]")
        assert spoken.get_attribute("aria-live") == "polite"
        assert spoken.get_attribute("role") == "status"
        assert re.fullmatch(r"\d+ minutes? left", spoken.inner_text())

        # when the countdown runs across the minute for a while
        page.evaluate(
            """() => {
              window.spokenChanges = [];
              const region = document.querySelector('[data-clock-spoken]');
              new MutationObserver(() => window.spokenChanges.push(region.textContent))
                .observe(region, {childList: true, characterData: true, subtree: true});
            }"""
        )
        seconds_left = int(countdown.get_attribute("data-seconds-left"))
        assert seconds_left > 61, seconds_left
        wait_s = min(20, max(0, seconds_left - 60) + 3)
        time.sleep(wait_s)

        # then the digits changed every second but the words only at the minute
        changes = page.evaluate("window.spokenChanges")
        assert changes == ["1 minute left"], changes
    finally:
        context.close()


CONFIRM_STEP = """() => {
  const step = document.createElement('details');
  step.className = 'confirm';
  step.innerHTML = '<summary class="button" id="step-open">Refund…</summary>'
    + '<form><input type="hidden" name="csrfmiddlewaretoken" value="x">'
    + '<button type="button" id="step-confirm">Refund ¥15.00</button></form>';
  document.querySelector('main').append(step);
}"""


def test_a_confirm_step_takes_the_focus_and_gives_it_back(chromium, groupbuy_server):
    # the shape of every confirm step (<details class="confirm">, e.g. a merchant's
    # refund), on a page that loads app.js
    context, page = _context(chromium, groupbuy_server)
    try:
        page.goto("/login/")
        page.evaluate(CONFIRM_STEP)
        page.focus("#step-open")
        # when it is opened with Enter, its summary hides: the focus moves in
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.id === 'step-confirm'")
        # when Escape is pressed, it closes and the focus returns to its summary
        page.keyboard.press("Escape")
        page.wait_for_function("document.activeElement.id === 'step-open'")
        assert page.evaluate("document.querySelector('details.confirm').open") is False
    finally:
        context.close()


def test_the_spoken_countdown_is_in_the_page_language(chromium, groupbuy_server, deals):
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=groupbuy_server.url,
        viewport={"width": 360, "height": 740},
    )
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": groupbuy_server.url}]
    )
    try:
        page = context.new_page()
        page.goto(f"/deals/{deals['deal']}/")
        spoken = page.locator("#deal-countdown [data-clock-spoken]")
        assert re.fullmatch(r"还剩 \d+ 分钟", spoken.inner_text()), spoken.inner_text()
    finally:
        context.close()
