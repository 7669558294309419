"""The shopper's pages at twice the browser's text size on a small phone.

An older shopper with low vision sets the browser's text size to 200 % (here
CDP's ``Page.setFontSizes``, which is that setting: the default font size, which
rem, em and a media query's em follow) on a 320 px or 360 px phone, in Chinese.
Every shopper page must then reflow: nothing wider than the screen, no text over
other text, no control cut off or covered by what stays on the screen (the top
bar, the tab bar, a deal's join bar), and every control a thumb's 44 × 44 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from groupbuy.demo_data import SHOPPER
from tests.e2e import STEP_TIMEOUT_MS, load_demo, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFAULT_TEXT_PX = 16  # the browser's own default text size
LARGE_TEXT_PX = 2 * DEFAULT_TEXT_PX
TAP_PX = 44
# The pages a shopper reaches from the tab bar and the More page, then one of
# each kind of detail page, found from the first link of its list.
LIST_PAGES = (
    "/",
    "/snap/",
    "/orders/",
    "/coupons/",
    "/inbox/",
    "/sharing/",
    "/pooling/",
    "/teams/",
    "/demands/",
    "/me/",
    "/more/",
)
DETAILS_FROM = {
    "/": "a[href^='/deals/']",
    "/orders/": "#order-list a[href^='/orders/']",
    "/coupons/": "#coupon-list a[href^='/coupons/']",
    "/sharing/": "#thread-list a[href^='/sharing/threads/']",
    "/demands/": "main a[href^='/demands/dmd_']",
    "/pooling/": "main a[href^='/pooling/branches/']",
}

# What a page at large text gets wrong, in one pass over its elements:
# - wide: anything past the screen's right edge (a fixed element too: the tab
#   bar's More once sat there);
# - small: a control under 44 × 44 px, but for a link inside a sentence (WCAG's
#   inline exception), a box ticked through its label (the label is the target)
#   and a file field drawn by its label;
# - covered: a control whose middle, scrolled into view, is under something else
#   (a bar that stays on the screen);
# - overlapping: the text of two elements drawn over each other.
PROBE = (Path(__file__).resolve().parent / "large_text_probe.js").read_text()
BODY_TEXT_PX = "parseFloat(getComputedStyle(document.body).fontSize)"


@pytest.fixture(scope="module")
def team_pages(groupbuy_server):
    load_demo(groupbuy_server)
    return groupbuy_server.seed(
        "__import__('tests.e2e.large_text_seeding', fromlist=['x']).seed_large_text()"
    )["paths"]


def _set_text_size(page, cdp, pixels: int) -> None:
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": pixels, "fixed": pixels}})


def _problems(page, path: str) -> list[str]:
    found = page.evaluate(PROBE, TAP_PX)
    problems = []
    if found["overflow"] > 0:
        problems.append(f"{path}: {found['overflow']} px wider than the screen")
    for key in ("wide", "small", "covered", "overlapping"):
        if found[key]:
            problems.append(f"{path} {key}: {found[key]}")
    return problems


@pytest.mark.parametrize("width", [320, 360])
def test_every_shopper_page_reflows_at_twice_the_text_size(
    chromium, groupbuy_server, team_pages, width
):
    # given a phone 320 or 360 px wide in Chinese
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": width, "height": 640},
        locale="zh-CN",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": groupbuy_server.url}]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    try:
        page.goto("/login/")
        default_text = page.evaluate(BODY_TEXT_PX)
        # when the browser's text size is set to 200 %
        _set_text_size(page, cdp, LARGE_TEXT_PX)
        page.reload()
        # then the page's text follows it (not a fixed size in pixels)
        assert page.evaluate(BODY_TEXT_PX) >= 1.9 * default_text
        # and the visitor's pages, then the signed-in shopper's, all reflow
        problems = []
        for path in ("/login/", "/signup/"):
            page.goto(path)
            problems += _problems(page, path)
        sign_in(page, SHOPPER.phone, SHOPPER.password)
        details = []
        for path in LIST_PAGES:
            page.goto(path)
            problems += _problems(page, path)
            if path in DETAILS_FROM:
                link = page.locator(DETAILS_FROM[path]).first
                assert link.count() == 1, f"no detail page linked from {path}"
                details.append(link.get_attribute("href"))
        for path in [*details, *team_pages]:
            page.goto(path)
            problems += _problems(page, path)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
