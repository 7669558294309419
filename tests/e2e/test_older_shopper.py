"""A first-time, older shopper on a cheap Android phone, in Chinese.

She reads the site on a 360 × 640 phone with the system's text at 150 % (CDP's
``Page.setFontSizes``: the browser's default font size, which rem and em
follow) and is not good with small targets. test_large_text.py walks the pages
a signed-in shopper reaches from the menus at 200 %; these are the steps in
between that it does not reach: the code page of a sign-up, a snapped photo's
answer, a deal's price tiers. Phone numbers: +86 139 0086 01xx.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from groupbuy.demo_data import SHOPPER
from groupbuy.snap.tests.helpers import barcode_jpeg
from tests.e2e import STEP_TIMEOUT_MS, load_demo, sign_in

pytestmark = [pytest.mark.browser]

TEXT_PX = 24  # 150 % of the browser's default 16 px
TAP_PX = 44
PHONE = "13900860101"
READER_PHONE = "13900860102"
PASSWORD = "older-shopper-1"
MILK_GTIN = "6907992500942"  # a demo product with an open deal
PROBE = (Path(__file__).resolve().parent / "large_text_probe.js").read_text()
# How many lines each matched element's text is drawn on.
LINES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return [e.textContent.trim(), tops.size];
  })"""
# Where the More tab draws its icon, its unread count and its label.
MORE_TAB_BOXES = """() => {
  const tab = document.querySelector("#nav-more");
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const label = [...tab.childNodes]
    .find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(label);
  return {
    icon: box(tab.querySelector(".tab-icon").getBoundingClientRect()),
    badge: box(tab.querySelector("#inbox-badge").getBoundingClientRect()),
    label: box(range.getBoundingClientRect()),
  };
}"""
UNREAD_NOTE = """
from groupbuy.accounts.models import User
from groupbuy.notify.models import Notification
Notification.objects.create(
    recipient=User.objects.get(phone="+86{phone}"), kind="test.kind", title="新消息"
)
"""


@pytest.fixture(scope="module")
def demo(groupbuy_server):
    load_demo(groupbuy_server)


@pytest.fixture
def phone_page(chromium, groupbuy_server, demo):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 360, "height": 640},
        locale="zh-CN",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": groupbuy_server.url}]
    )
    page = context.new_page()
    page.goto("/login/")
    context.new_cdp_session(page).send(
        "Page.setFontSizes", {"fontSizes": {"standard": TEXT_PX, "fixed": TEXT_PX}}
    )
    page.reload()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > 20
    yield page
    context.close()


def _overlap(one: dict, other: dict) -> bool:
    return (
        one["left"] < other["right"]
        and other["left"] < one["right"]
        and one["top"] < other["bottom"]
        and other["top"] < one["bottom"]
    )


def _small_or_wide(page) -> dict:
    found = page.evaluate(PROBE, TAP_PX)
    return {key: found[key] for key in ("small", "wide") if found[key]} | (
        {"overflow": found["overflow"]} if found["overflow"] > 0 else {}
    )


def test_asking_for_a_new_code_is_a_thumb_tall(phone_page):
    # given a new shopper who has filled in the sign-up form
    page = phone_page
    page.goto("/signup/")
    page.fill("#id_phone", PHONE)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_display_name", "张阿姨")
    # when the code page asks for the texted code
    page.click("#signup-submit")
    page.wait_for_url("**/signup/verify/**")
    # then "ask for a new code" (the way out when no SMS came) and "change the
    # number" are 44 px tall, not a line of text to hit
    assert _small_or_wide(page) == {}
    for control in ("#code-restart", "#code-change"):
        assert page.locator(control).bounding_box()["height"] >= TAP_PX


def test_the_bars_leave_the_page_most_of_the_screen_and_the_count_its_room(
    phone_page, groupbuy_server
):
    # given a shopper with a notification she has not read
    page = phone_page
    groupbuy_server.seed(
        f"seed_shopper(phone='+86{READER_PHONE}', password={PASSWORD!r},"
        " language='zh-hans')"
    )
    groupbuy_server.run_python(UNREAD_NOTE.format(phone=READER_PHONE))
    # when she opens the deals
    sign_in(page, READER_PHONE, PASSWORD, then="/")
    page.wait_for_selector("#inbox-badge:not([hidden])")
    # then the top bar and the tabs leave the page 60 % of the screen (they
    # took 296 px of 640, the sandbox's banner included: 54 % was left)
    assert page.locator("#main").bounding_box()["y"] <= 0.4 * 640
    # and the unread count covers neither the More tab's icon nor its label
    boxes = page.evaluate(MORE_TAB_BOXES)
    assert not _overlap(boxes["badge"], boxes["icon"]), boxes
    assert not _overlap(boxes["badge"], boxes["label"]), boxes
    assert _small_or_wide(page) == {}


def test_a_deals_tier_prices_are_not_broken_across_lines(phone_page):
    # given a demo deal with three price tiers
    page = phone_page
    page.goto("/")
    page.click("a[href^='/deals/'] >> nth=0")
    page.wait_for_selector("#deal-tiers")
    # then each tier's price and its "reached" / "next" word stay on one line
    # (at 150 % the price "¥2.80" was drawn as "¥2.8" above "0")
    lines = page.evaluate(LINES, "#deal-tiers .price, #deal-tiers .tier-state")
    assert lines and all(count == 1 for _, count in lines), lines


def test_a_snapped_products_deal_is_a_thumb_tall(phone_page, tmp_path):
    # given a shopper holding a photo of the demo milk's barcode
    page = phone_page
    photo = tmp_path / "milk.jpg"
    photo.write_bytes(barcode_jpeg(MILK_GTIN, size=(1280, 960)))
    sign_in(page, SHOPPER.phone, SHOPPER.password, then="/snap/")
    # when she takes it
    page.set_input_files("#snap-photo", str(photo))
    page.locator("#snap-deals .snap-deal-title").first.wait_for(state="visible")
    # then the deal's name, which opens the deal, is a thumb tall
    assert _small_or_wide(page) == {}
    assert page.locator(".snap-deal-title").first.bounding_box()["height"] >= TAP_PX


def test_a_photo_on_its_way_shows_its_progress_on_the_screen(phone_page, tmp_path):
    # given a shopper on slow 3G (a photo takes seconds to go up)
    page = phone_page
    photo = tmp_path / "milk.jpg"
    photo.write_bytes(barcode_jpeg(MILK_GTIN, size=(1280, 960)))
    sign_in(page, SHOPPER.phone, SHOPPER.password, then="/snap/")
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 50_000,
            "uploadThroughput": 5_000,
        },
    )
    # when she takes the photo
    page.set_input_files("#snap-photo", str(photo))
    # then "Uploading…" and its bar are on the screen, not below the photo's
    # preview out of sight (at 150 % the Take a photo button ends near the
    # bottom of a 640 px screen)
    page.wait_for_function(
        "document.querySelector('#snap-progress').value > 0"
        " || document.querySelector('#snap-progress-text').textContent"
    )
    box = page.locator("#snap-progress-box").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 640, (
        box,
        page.evaluate(
            "[scrollY, document.documentElement.scrollHeight,"
            " document.querySelector('#snap-progress-text').textContent,"
            " getComputedStyle(document.documentElement).scrollPaddingBottom]"
        ),
    )
    network.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )


def test_a_coupons_format_and_download_links_are_thumb_sized(phone_page):
    # given the demo shopper's coupon, shown at the till
    page = phone_page
    sign_in(page, SHOPPER.phone, SHOPPER.password, then="/coupons/")
    page.click("#coupon-list a[href^='/coupons/'] >> nth=0")
    page.wait_for_selector("#coupon-formats")
    # then QR / PDF417 / Data Matrix, PNG and the printable PDF, a row of
    # separate choices (not words in a sentence), are each 44 × 44 px at least
    # (measured in one script: the page replaces its coupon sheet with a fresh
    # one once its socket joins, and a link measured across that swap is gone)
    links = page.evaluate(
        """() => [...document.querySelectorAll("#coupon-formats a")].map((link) => {
          const box = link.getBoundingClientRect();
          return {label: link.textContent.trim(), width: box.width, height: box.height};
        })"""
    )
    assert len(links) >= 4
    for link in links:
        assert link["height"] >= TAP_PX and link["width"] >= TAP_PX, link
