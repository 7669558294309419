"""A new shopper who reads English and uses a keyboard and a screen reader, on a
375 px phone: the focus is never hidden under the bar of tabs at the bottom or
the bar at the top; the contacts of an imported vCard are each offered by a
button that says whose it is and keeps the focus once pressed; a refused reply
is read with its field."""

from __future__ import annotations

import pytest

from tests.e2e import STEP_TIMEOUT_MS
from tests.e2e.sms import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "139 0106 2001"
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

VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy from work\r\n"
    b"TEL;TYPE=CELL:139 0106 2003\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dee next door\r\n"
    b"TEL;TYPE=CELL:139 0106 2004\r\nEND:VCARD\r\n"
)


def _phone_page(chromium, server, *, bypass_csp=False):
    # (bypass_csp: waits on a JavaScript predicate are an eval the pages'
    # Content Security Policy refuses)
    context = chromium.new_context(
        base_url=server.url,
        viewport=PHONE_SMALL,
        locale="en-US",
        bypass_csp=bypass_csp,
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


def test_contacts_are_added_and_a_reply_refused_by_keyboard(chromium, groupbuy_server):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234510607', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    context, page = _phone_page(chromium, groupbuy_server)
    try:
        sign_up(page, groupbuy_server, phone=PHONE, password="h6-reader-1", name="Ivy")
        # given the share page, with a vCard of two friends imported
        page.goto(f"/sharing/new/?deal={deal}")
        page.set_input_files(
            "#vcard-file",
            files=[{"name": "friends.vcf", "mimeType": "text/vcard", "buffer": VCARD}],
        )
        page.wait_for_selector("#contact-list li button")
        buttons = page.locator("#contact-list li button")
        assert buttons.count() == 2
        # then each Add button is described by whose contact it adds
        described = [
            page.evaluate(
                "(button) => button.getAttribute('aria-describedby').split(' ')"
                ".map((id) => document.getElementById(id).textContent).join(' ')",
                buttons.nth(index).element_handle(),
            )
            for index in range(2)
        ]
        assert "Cy from work" in described[0] and "Dee" not in described[0]
        assert "Dee next door" in described[1]

        # when they press Enter on the first
        buttons.nth(0).focus()
        page.keyboard.press("Enter")
        # then the number is added, and the focus stays on the button, which
        # says it can be pressed no more
        assert "13901062003" in page.input_value("#id_recipients").replace(" ", "")
        assert buttons.nth(0).evaluate("(button) => button === document.activeElement")
        assert buttons.nth(0).get_attribute("aria-disabled") == "true"
        # and pressing it again adds it no second time
        page.keyboard.press("Enter")
        assert page.input_value("#id_recipients").count("2003") == 1

        # when they send, and press Reply in the thread with nothing written
        page.click("#share-submit")
        page.wait_for_url("**/sharing/threads/**")
        page.focus("#reply-submit")
        page.keyboard.press("Enter")
        page.wait_for_selector("#reply-error")
        # then the reply field is invalid and described by the refusal
        field = page.locator("#id_body")
        assert field.get_attribute("aria-invalid") == "true"
        assert "reply-error" in field.get_attribute("aria-describedby").split()
        # and once they write and send, the field is no longer invalid
        field.fill("Sounds good")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_selector("#thread-messages li:has-text('Sounds good')")
        assert field.get_attribute("aria-invalid") is None
        assert page.locator("#reply-error").count() == 0
    finally:
        context.close()


INBOX_SEED = """
import json
from groupbuy.accounts.models import User
from groupbuy.notify.services import notification_enqueue
user = User.objects.get(phone="+8613901062005")
for number in range(3):
    notification_enqueue(recipient=user, kind="test.reader", title=f"Note {number}",
                         body="", channels=["in_app"])
print(json.dumps({"ok": True}))
"""


def test_the_inbox_keeps_the_focus_and_says_the_new_count(chromium, groupbuy_server):
    context, page = _phone_page(chromium, groupbuy_server, bypass_csp=True)
    try:
        # given a shopper with three unread messages, on their inbox, the
        # keyboard's focus on the second
        sign_up(
            page,
            groupbuy_server,
            phone="139 0106 2005",
            password="h6-reader-5",
            name="Rue",
        )
        groupbuy_server.run_python(INBOX_SEED)
        page.goto("/inbox/")
        # (once the personal socket has joined and the list its joining fetches
        # again has come: a swap landing between finding the button and
        # focusing it would leave the focus on a button no longer in the page)
        page.wait_for_selector("#inbox-badge[data-count]", state="attached")
        page.wait_for_load_state("networkidle")
        second = page.locator("#inbox-list li").nth(1)
        item_id = second.get_attribute("id")
        second.locator("button").focus()
        page.wait_for_function(
            f"document.activeElement.closest('li')?.id === {item_id!r}"
        )
        assert "unread" in page.inner_text("#inbox-unread-summary")
        page.evaluate(
            """() => {
              window.summaryBefore = document.getElementById('inbox-unread-summary');
              window.swapped = false;
              document.body.addEventListener(
                'htmx:afterSettle', () => { window.swapped = true; }, {once: true});
            }"""
        )
        # when the list is refreshed live (as when a new message arrives)
        page.evaluate("document.body.dispatchEvent(new CustomEvent('notify-new'))")
        page.wait_for_function("window.swapped === true")
        # then the focus is still (once the inbox's own settle handler has run,
        # which may come after the test's) on the same message
        page.wait_for_function(
            f"document.activeElement.closest('li')?.id === {item_id!r}",
            timeout=5_000,
        )
        # when they mark all read
        page.click("#inbox-mark-all-read")
        page.wait_for_function(
            "document.getElementById('inbox-unread-summary').textContent.trim()"
            " === '0 unread'"
        )
        # then the polite status they were told the count by says it, the same
        # element (one put in its place is not read out)
        assert page.evaluate(
            "window.summaryBefore === document.getElementById('inbox-unread-summary')"
        )
    finally:
        context.close()
