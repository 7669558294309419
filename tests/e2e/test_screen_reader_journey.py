"""A new shopper who reads English and uses a keyboard and a screen reader, on a
375 px phone: the focus is never hidden under the bar of tabs at the bottom or
the bar at the top."""

from __future__ import annotations

import pytest

from tests.e2e import STEP_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_SMALL = {"width": 375, "height": 560}

FOCUSED_BOX = """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  const tabbar = document.querySelector('.tabbar').getBoundingClientRect();
  const topbar = document.querySelector('.topbar').getBoundingClientRect();
  return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
          top: box.top, bottom: box.bottom,
          tabbarTop: tabbar.top, topbarBottom: topbar.bottom};
}"""


def _phone_page(chromium, server):
    context = chromium.new_context(
        base_url=server.url, viewport=PHONE_SMALL, locale="en-US"
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": server.url}])
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def test_the_focus_is_never_under_the_phones_bars(chromium, groupbuy_server):
    context, page = _phone_page(chromium, groupbuy_server)
    try:
        # given the sign-up page on a short phone screen, its fields below the fold
        page.goto("/signup/")
        # when they tab forward through it, and back
        stops = []
        for key in ["Tab"] * 14 + ["Shift+Tab"] * 14:
            page.keyboard.press(key)
            stops.append(page.evaluate(FOCUSED_BOX))
        # then every stop in the page (not the bars' own links) is in sight
        # between the bar at the top and the tabs at the bottom
        in_page = [
            stop
            for stop in stops
            if stop["tag"] != "BODY"
            and not stop["id"].startswith(("nav-", "language-", "skip-link"))
        ]
        assert len(in_page) > 5, stops
        hidden = [
            stop
            for stop in in_page
            if stop["bottom"] > stop["tabbarTop"] or stop["top"] < stop["topbarBottom"]
        ]
        assert not hidden, hidden
    finally:
        context.close()
