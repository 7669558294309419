"""The shopper's pages on a 360 × 740 phone, in English and Chinese (issue 14).

Each journey runs against `groupbuy serve` (see conftest.py): a deal that has not
started counts down to its start and then offers the join form; a closed deal
shows its outcome; the order page turns "paid" by itself when the payment is
made in another tab; Join as a visitor → sign in → the join is completed; a
declined payment is paid again on the same order; the − / + stepper. Every page
is checked for sideways overflow: nothing may be wider than the phone.
"""

from __future__ import annotations

import itertools
import tarfile
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
PASSWORD = "shopper-pages-password-1"
_numbers = itertools.count(1)


def _gtin() -> str:
    """Return a fresh valid GTIN-13 (check digit computed) for each deal."""
    body = f"69055{int(time.time()) % 10_000:04d}{next(_numbers):03d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _phone_number() -> str:
    return f"+86139{int(time.time() * 1000) % 10_000_000:07d}{next(_numbers) % 10}"


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    return request.param


@pytest.fixture
def phone_context(chromium, groupbuy_server, language):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport=PHONE,
        locale="en-US" if language == "en" else "zh-CN",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def phone(phone_context):
    return phone_context.new_page()


def assert_fits(page) -> None:
    """Nothing on the page is wider than the phone's 360 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
                         && getComputedStyle(e).position !== 'fixed'
                         && e.closest('.tabbar, .subnav, .clock-bound') === null)
            .map((e) => e.id || e.className || e.tagName).slice(0, 5)"""
    )
    assert too_wide == [], f"{page.url}: wider than the phone: {too_wide}"


def assert_rows_inside_their_cards(page) -> None:
    """A list drawn as a card keeps its rows' text off the card's edges."""
    flush = page.evaluate(
        """() => [...document.querySelectorAll('.list.card > li')]
            .filter((row) => {
              const card = row.parentElement.getBoundingClientRect();
              const box = row.getBoundingClientRect();
              return box.left - card.left < 8 || card.right - box.right < 8;
            })
            .map((row) => row.parentElement.id || row.textContent.trim().slice(0, 20))
            .slice(0, 5)"""
    )
    assert flush == [], f"{page.url}: rows on their card's edge: {flush}"


def _seed_deal(server, **options) -> str:
    arguments = ", ".join(f"{key}={value!r}" for key, value in options.items())
    return server.seed(f"seed_open_deal(gtin={_gtin()!r}, {arguments})")["deal"]


def _sign_in(page, server, language: str, *, name: str = "Lin") -> str:
    phone_number = _phone_number()
    server.seed(
        f"seed_shopper(phone={phone_number!r}, password={PASSWORD!r},"
        f" display_name={name!r}, language={language!r})"
    )
    sign_in(page, phone_number, PASSWORD)
    return phone_number


TEXTS = {
    "en": {
        "upcoming": "Starting soon",
        "starts_in": "Starts in",
        "succeeded": "Succeeded at ¥15.00 each with 1 buyer.",
        "paid": "Paid.",
        "declined": "Your payment was declined.",
        "units_left": "Up to 3 units for you",
        "more": "More",
    },
    "zh-hans": {
        "upcoming": "即将开始",
        "starts_in": "距开始",
        "succeeded": "已成团：1 人参团，成交价每件 ¥15.00。",
        "paid": "已付款。",
        "declined": "付款被拒绝。",
        "units_left": "您最多可买 3 件",
        "more": "更多",
    },
}


def test_a_deal_counts_down_to_its_start_then_offers_to_join(
    phone, groupbuy_server, language
):
    # given a deal that starts in 6 seconds
    deal = _seed_deal(groupbuy_server, tiers=[(1, 1500)], stock=10, seconds_to_start=6)
    texts = TEXTS[language]
    # when a shopper opens it
    phone.goto(f"/deals/{deal}/")
    # then it says when it starts, with its own countdown, and no join form
    assert phone.inner_text("#deal-state") == texts["upcoming"]
    assert texts["starts_in"] in phone.inner_text("#deal-starts")
    phone.wait_for_selector("#deal-starts-countdown [data-clock-value]")
    assert phone.locator("#join-form").count() == 0
    assert_fits(phone)
    # and at the start the page offers the join form by itself
    phone.wait_for_selector("#join-form", timeout=20_000)
    assert phone.get_attribute("#deal-state", "data-phase") == "open"
    phone.goto("/")
    assert_fits(phone)


def test_stepper_visitor_join_resumes_after_sign_in_and_the_order_goes_live(
    phone, phone_context, groupbuy_server, language
):
    # given a deal with two pickup branches
    deal = _seed_deal(
        groupbuy_server,
        tiers=[(1, 1500)],
        stock=20,
        max_quantity_per_order=3,
        seconds_to_deadline=600,
        merchant_name="两店超市",
        branches=("East", "West"),
    )
    texts = TEXTS[language]
    phone.goto(f"/deals/{deal}/")
    assert_fits(phone)
    # when a visitor steps the quantity up to the limit with + …
    assert texts["units_left"] in phone.inner_text("#join-units-left")
    plus = phone.locator("#join-form .stepper-plus")
    plus.click()
    plus.click()
    assert phone.input_value("#join-quantity") == "3"
    assert plus.is_disabled()  # the most for this buyer
    phone.locator("#join-form .stepper-minus").click()
    assert phone.input_value("#join-quantity") == "2"
    phone.select_option("#join-pickup-branch", label="West · West Road 1")
    # … presses Join and signs in
    phone.click("#join-submit")
    phone.wait_for_url("**/login/**")
    assert_fits(phone)
    phone_number = _phone_number()
    groupbuy_server.seed(
        f"seed_shopper(phone={phone_number!r}, password={PASSWORD!r},"
        f" display_name='张三', language={language!r})"
    )
    phone.fill("#id_phone", phone_number)
    phone.fill("#id_password", PASSWORD)
    phone.click("#login-submit")
    # then the join is completed: they are on the pay page for 2 × ¥15.00
    phone.wait_for_url("**/escrow/sandbox/pay/**")
    assert "¥30.00" in phone.inner_text("#sandbox-amount")
    # when they open the order page and pay in another tab
    phone.goto("/orders/")
    phone.click("#order-list a")
    phone.wait_for_selector("#pay")
    assert "West" in phone.inner_text("#order-pickup-branch")
    assert_fits(phone)
    phone.evaluate("window.notReloaded = true")
    other_tab = phone_context.new_page()
    other_tab.goto(phone.get_attribute("#pay", "href"))
    other_tab.click("#sandbox-pay")
    # then the order page turns paid by itself (the socket; no reload)
    phone.wait_for_selector("#order-paid", timeout=20_000)
    assert texts["paid"] in phone.inner_text("#order-status")
    assert phone.evaluate("window.notReloaded") is True
    other_tab.close()
    # and once the deal closes (its merchant brings the deadline forward to a
    # few seconds from now) its page shows the outcome, not the next tier
    groupbuy_server.seed(f"deal_deadline_in(deal={deal!r}, seconds=3)")
    until = time.monotonic() + 90
    while True:
        try:
            phone.goto(f"/deals/{deal}/")
            # settled: the last state change, so the page stops reloading itself
            state = phone.get_attribute("#deal", "data-state")
        except PlaywrightError:  # the page reloaded itself as the deal closed
            state = None
        if state == "settled":
            break
        assert time.monotonic() < until, "the deal never settled"
        time.sleep(1.0)
    phone.wait_for_load_state()
    assert phone.inner_text("#deal-outcome") == texts["succeeded"]
    assert phone.locator("#deal-next-tier").count() == 0
    assert "张**" in phone.inner_text("#deal-first-buyers")
    assert_fits(phone)


def test_a_declined_payment_is_paid_again_on_the_same_order(
    phone, groupbuy_server, language
):
    # given a signed-in shopper who joins and declines on the gateway
    deal = _seed_deal(groupbuy_server, tiers=[(1, 1500)], stock=10)
    _sign_in(phone, groupbuy_server, language)
    phone.goto(f"/deals/{deal}/")
    phone.click("#join-submit")
    phone.wait_for_url("**/escrow/sandbox/pay/**")
    phone.click("#sandbox-decline")
    phone.wait_for_url("**/orders/**")
    order_url = phone.url
    # then the order page says so and offers to pay again
    phone.wait_for_selector("#pay-again", timeout=20_000)
    assert TEXTS[language]["declined"] in phone.inner_text("#order-declined")
    assert_fits(phone)
    # when they pay again
    phone.click("#pay-again")
    phone.wait_for_url("**/escrow/sandbox/pay/**")
    phone.click("#sandbox-pay")
    # then the same order is paid
    phone.wait_for_url(order_url)
    phone.wait_for_selector("#order-paid", timeout=20_000)


def test_the_tab_bar_has_four_tabs_and_more_lists_the_rest(phone, language):
    phone.goto("/")
    tabs = phone.locator(".tabbar a")
    assert tabs.count() == 4
    assert phone.evaluate(
        "document.querySelector('.tabbar').scrollWidth"
        " <= document.querySelector('.tabbar').clientWidth"
    )
    assert_fits(phone)
    phone.click("#nav-more")
    phone.wait_for_url("**/more/")
    assert TEXTS[language]["more"] in phone.inner_text("h1")
    assert phone.locator("#more-list #nav-inbox").count() == 1
    assert phone.locator("#more-list #nav-money").count() == 1
    assert_fits(phone)


def test_the_more_page_hands_out_the_code_the_site_runs(phone, language, tmp_path):
    # given the More page, which says under what licence the site runs
    phone.goto("/more/")
    assert "Affero" in phone.inner_text("#about")
    # when the shopper follows "Source code"
    with phone.expect_download() as download:
        phone.click("#source-code")
    # then they get the site's code as a tarball
    assert download.value.suggested_filename.endswith(".tar.gz")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with tarfile.open(saved) as tar:
        names = tar.getnames()
    assert any(name.endswith("/groupbuy/web/source.py") for name in names)
    assert any(name.endswith("/LICENSE") for name in names)


def test_no_shopper_page_is_wider_than_the_phone(phone, groupbuy_server, language):
    # given a signed-in shopper with an order
    deal = _seed_deal(groupbuy_server, tiers=[(2, 1500), (5, 1200)], stock=10)
    _sign_in(phone, groupbuy_server, language)
    phone.goto(f"/deals/{deal}/")
    phone.click("#join-submit")
    phone.wait_for_url("**/escrow/sandbox/pay/**")
    assert_fits(phone)
    phone.click("#sandbox-pay")
    phone.wait_for_url("**/orders/**")
    order_url = phone.url
    # when they visit every page of the tab bar and of the More page
    phone.goto("/more/")
    urls = phone.eval_on_selector_all(
        ".tabbar a, #more-list a", "(links) => links.map((a) => a.pathname)"
    )
    assert len(urls) >= 8
    for url in [*dict.fromkeys(urls), order_url, f"/deals/{deal}/"]:
        phone.goto(url)
        # then nothing is wider than the phone, and no row sits on its card's edge
        assert_fits(phone)
        assert_rows_inside_their_cards(phone)
