"""Sharing in real browsers against `groupbuy serve`.

A shares a deal with B's number (A's thread shows it masked, not B's name) → B
sees it arrive live → B replies → A sees the reply live, named; A picks B from her
contacts as "妈妈" and a friend from a vCard, and only A's thread shows those names;
a double tap on Send shares once; a friend without
an account follows the SMS invitation, signs up with that number and finds the
shared card; a thread stays readable offline and a reply written offline is
delivered when the network returns; any other page opened offline is the offline
page, naming no one, in the language in use.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in_new_shopper
from tests.e2e.conftest import CHROMIUM  # noqa: F401  (documents the browser used)
from tests.e2e.sms import code_from_outbox, verification_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "journey-password-1"


@contextmanager
def browser_page(chromium, server):
    context = chromium.new_context(
        base_url=server.url, viewport={"width": 390, "height": 844}, locale="en-US"
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context, context.new_page()
    finally:
        context.close()


def sign_up(page, server, *, phone: str, name: str, next_url: str = "") -> None:
    page.goto(f"/signup/?next={next_url}" if next_url else "/signup/")
    page.fill("#id_phone", phone)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_display_name", name)
    page.click("#signup-submit")
    page.wait_for_url("**/signup/verify/**")
    verification = verification_id_from(page.url)
    page.fill("#id_code", code_from_outbox(server.data_dir, verification))
    page.click("#code-submit")
    page.wait_for_selector("#nav-logout")


def wait_for_user_socket(page) -> None:
    # notify's live.js fills the badge's count once the personal socket joined.
    page.wait_for_selector("#inbox-badge[data-count]", state="attached")


def share_deal(page, deal_id: str, *, phone: str, comment: str) -> None:
    page.goto(f"/deals/{deal_id}/")
    page.click("#share-button")
    page.wait_for_url("**/sharing/new/**")
    page.fill("#id_recipients", phone)
    page.fill("#id_comment", comment)
    page.click("#share-submit")
    page.wait_for_url("**/sharing/threads/**")


def invitation_link(server, *, phone: str, timeout: float = 20.0) -> str:
    """The thread link texted to ``phone`` (E.164): other journeys text others."""
    outbox = server.data_dir / "outbox" / "sms"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in outbox.glob("*.json"):
            if path.name.startswith("."):
                # the outbox's temporary file of a message being written
                # (pathlib's glob matches dotfiles): gone a moment later
                continue
            record = json.loads(path.read_text(encoding="utf-8"))
            text = record["text"]
            if record["phone"] == phone and "/sharing/threads/" in text:
                return (
                    "/sharing/threads/"
                    + text.split("/sharing/threads/")[1].split("/")[0]
                    + "/"
                )
        time.sleep(0.3)
    raise AssertionError("no invitation texted")


def test_a_shares_a_deal_with_b_who_replies_live(chromium, groupbuy_server):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567939', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with (
        browser_page(chromium, groupbuy_server) as (_a_context, page_a),
        browser_page(chromium, groupbuy_server) as (_b_context, page_b),
    ):
        # given two members
        sign_in_new_shopper(
            page_a,
            groupbuy_server,
            phone="139 5555 0001",
            password=PASSWORD,
            name="Ann",
        )
        sign_in_new_shopper(
            page_b, groupbuy_server, phone="139 5555 0002", password=PASSWORD, name="Bo"
        )
        page_b.goto("/sharing/")
        wait_for_user_socket(page_b)

        # when A shares the deal with B's number, with markup in the comment
        share_deal(page_a, deal, phone="139 5555 0002", comment="<b>Join me</b>")

        # then A's thread shows the number A typed, masked, not B's name
        assert page_a.inner_text("#thread-people") == "Ann, +86139****0002"

        # then it arrives in B's open inbox without a reload, escaped
        item = page_b.wait_for_selector("#thread-list [data-share-id]")
        assert "Test product 6901234567939" in item.inner_text()
        assert "<b>Join me</b>" in item.inner_text()
        # and the list says B has not opened it yet
        page_b.reload()
        item = page_b.wait_for_selector("#thread-list [data-share-id]")
        assert item.query_selector(".thread-new") is not None

        # when B opens it and replies while A watches the thread
        wait_for_user_socket(page_a)
        item.query_selector("a").click()
        page_b.wait_for_url("**/sharing/threads/**")
        page_b.fill("#id_body", "Count me in")
        page_b.click("#reply-submit")

        # then A sees the reply live, and B's name on it: B chose to speak
        reply = page_a.wait_for_selector(
            "#thread-messages li:has-text('Count me in') .message-author:has-text('Bo')"
        )
        assert reply.inner_text() == "Bo"
        page_b.wait_for_selector("#thread-messages li[data-message-id]")
        # and B's page shows, live, that A read it: A's page knew the reply
        # was not A's by its author's key in the thread and marked it read
        page_b.wait_for_selector(
            "#thread-messages li:has-text('Count me in') .read-by:has-text('Ann')"
        )

        # when A answers while B watches
        page_a.fill("#id_body", "Great")
        page_a.click("#reply-submit")

        # then A's answer shows read by B, live, and B's own reply, which B
        # read too, not: B's receipt carries B's key, the one on B's reply
        page_a.wait_for_selector(
            "#thread-messages li:has-text('Great') .read-by:has-text('Bo')"
        )
        assert "Bo" not in read_by(page_a, "Count me in")
        # and so after a reload
        page_a.reload()
        assert "Bo" in read_by(page_a, "Great")
        assert "Bo" not in read_by(page_a, "Count me in")


def read_by(page, body: str) -> str:
    """The "Read by" of the reply saying ``body`` ("" if it has none)."""
    item = page.locator("#thread-messages li", has_text=body)
    return " ".join(item.locator(".read-by").all_inner_texts())


# The Contact Picker API exists on Android only: A's page gets a stand-in that
# answers as the picker does ({name: [...], tel: [...]} per contact).
PICKER_STAND_IN = """
Object.defineProperty(navigator, "contacts", {
  value: { select: async () => [{ name: ["妈妈"], tel: ["139 5555 0052"] }] },
});
window.ContactsManager = function ContactsManager() {};
"""


def test_the_names_a_sender_picks_show_in_their_thread_only(chromium, groupbuy_server):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567083', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with (
        browser_page(chromium, groupbuy_server) as (a_context, page_a),
        browser_page(chromium, groupbuy_server) as (_b_context, page_b),
    ):
        # given B is a member, and A has B in her phone's contacts as "妈妈"
        sign_in_new_shopper(
            page_a,
            groupbuy_server,
            phone="139 5555 0051",
            password=PASSWORD,
            name="Ann",
        )
        sign_in_new_shopper(
            page_b, groupbuy_server, phone="139 5555 0052", password=PASSWORD, name="Bo"
        )
        a_context.add_init_script(PICKER_STAND_IN)

        # when A picks B from her contacts and a friend from a vCard, and sends
        page_a.goto(f"/deals/{deal}/")
        page_a.click("#share-button")
        page_a.wait_for_url("**/sharing/new/**")
        page_a.click("#contact-picker")
        page_a.wait_for_function(
            "document.getElementById('id_recipients').value.includes('0052')"
        )
        page_a.set_input_files(
            "#vcard-file",
            files=[
                {
                    "name": "friends.vcf",
                    "mimeType": "text/vcard",
                    "buffer": (
                        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy from work\r\n"
                        b"TEL;TYPE=CELL:139 5555 0053\r\nEND:VCARD\r\n"
                    ),
                }
            ],
        )
        page_a.click("#contact-list li:has-text('Cy from work') button")
        page_a.fill("#id_comment", "For the family")
        page_a.click("#share-submit")
        page_a.wait_for_url("**/sharing/threads/**")

        # then A's thread names them as she does
        assert page_a.inner_text("#thread-people") == "Ann, 妈妈, Cy from work"

        # and B's thread shows B and the friend's number masked, never A's names
        page_b.goto(urlsplit(page_a.url).path)
        assert page_b.inner_text("#thread-people") == "Ann, Bo, +86139****0053"
        html = page_b.content()
        assert "妈妈" not in html and "Cy from work" not in html


RECORD_THE_BUTTON_ON_SUBMIT = """() => {
  sessionStorage.setItem("sends", "[]");
  document.getElementById("share-form").addEventListener("submit", () => {
    const button = document.getElementById("share-submit");
    const sends = JSON.parse(sessionStorage.getItem("sends"));
    sends.push([button.disabled, button.getAttribute("aria-busy"), button.textContent]);
    sessionStorage.setItem("sends", JSON.stringify(sends));
  });
}"""


# A submit event dispatched by a script sends no request: the page's script
# sees the form sent, and nothing else happens.
BUSY_SENDING = """() => document.getElementById("share-form").dispatchEvent(
  new Event("submit", {cancelable: true}))"""


def is_share_post(request) -> bool:
    return request.method == "POST" and "/sharing/new/" in request.url


def test_a_double_tap_on_send_shares_once(chromium, groupbuy_server):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567090', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with browser_page(chromium, groupbuy_server) as (_context, page):
        # given A on the share page of a deal, with a number typed
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 5555 0061", password=PASSWORD, name="Ann"
        )
        page.goto(f"/deals/{deal}/")
        page.click("#share-button")
        page.wait_for_url("**/sharing/new/**")
        page.fill("#id_recipients", "139 5555 0063")
        sent = []
        page.on("request", lambda r: sent.append(r.url) if is_share_post(r) else None)
        # and the page notes how the button looks each time the form is sent
        # (after compose.js has had its say), where the next page can read it
        page.evaluate(RECORD_THE_BUTTON_ON_SUBMIT)

        # when A taps Send twice in a row, as a phone's double tap does
        page.dblclick("#share-submit")
        page.wait_for_url("**/sharing/threads/**")

        # then one request went, while the button was busy and disabled
        assert len(sent) == 1
        seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('sends'))")
        assert seen == [[True, "true", "Sending…"]]
        # and A has one thread
        threads = page.evaluate(
            "() => fetch('/api/sharing/threads?box=sent').then(r => r.json())"
        )
        assert len(threads["items"]) == 1
        assert page.url.endswith(f"/sharing/threads/{threads['items'][0]['id']}/")

        # when A goes back to the share page, its Send button works
        page.go_back()
        page.wait_for_url("**/sharing/new/**")
        button = page.locator("#share-submit")
        assert button.is_enabled() and button.inner_text() == "Send"

        # when the page is busy sending (a submit event that sends nothing:
        # the answer is as good as on its way), with the page's clock under
        # the test's control
        page.clock.install()
        page.reload()
        page.evaluate(BUSY_SENDING)
        assert button.is_disabled() and button.inner_text() == "Sending…"
        # and it is shown again from the browser's back/forward cache (which
        # Playwright's Chromium turns off: its pageshow event stands in)
        page.evaluate(
            "() => window.dispatchEvent("
            "new PageTransitionEvent('pageshow', {persisted: true}))"
        )
        # then the button is back, no longer busy
        assert button.is_enabled() and button.inner_text() == "Send"
        assert button.get_attribute("aria-busy") is None

        # when it is busy again and no answer comes for 20 seconds
        page.evaluate(BUSY_SENDING)
        page.clock.run_for(19_000)
        assert button.is_disabled()
        page.clock.run_for(1_000)
        # then the button is back too (sending again answers the same share)
        assert button.is_enabled() and button.inner_text() == "Send"


def test_a_friend_without_an_account_signs_up_and_finds_the_share(
    chromium, groupbuy_server
):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567946', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with (
        browser_page(chromium, groupbuy_server) as (_a_context, page_a),
        browser_page(chromium, groupbuy_server) as (_c_context, page_c),
    ):
        # given A shares with a number that has no account
        sign_in_new_shopper(
            page_a,
            groupbuy_server,
            phone="139 5555 0011",
            password=PASSWORD,
            name="Ann",
        )
        share_deal(page_a, deal, phone="139 5555 0013", comment="You will like it")
        link = invitation_link(groupbuy_server, phone="+8613955550013")

        # when the friend follows the texted link, is asked to log in, signs up
        page_c.goto(link)
        page_c.wait_for_url("**/login/**")
        sign_up(
            page_c, groupbuy_server, phone="139 5555 0013", name="Cy", next_url=link
        )

        # then the shared card is there
        page_c.wait_for_url(f"**{link}")
        card = page_c.inner_text("#thread")
        assert "Test product 6901234567946" in card
        assert "You will like it" in card


def test_a_thread_is_readable_offline_and_an_offline_reply_is_delivered(
    chromium, groupbuy_server
):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567953', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with (
        browser_page(chromium, groupbuy_server) as (_b_context, page_b),
        browser_page(chromium, groupbuy_server) as (a_context, page_a),
    ):
        sign_in_new_shopper(
            page_b, groupbuy_server, phone="139 5555 0022", password=PASSWORD, name="Bo"
        )
        sign_in_new_shopper(
            page_a,
            groupbuy_server,
            phone="139 5555 0021",
            password=PASSWORD,
            name="Ann",
        )
        share_deal(page_a, deal, phone="139 5555 0022", comment="Offline test")
        thread_url = page_a.url
        # the service worker controls the page, then the thread is opened online
        page_a.wait_for_function("navigator.serviceWorker.controller !== null")
        page_a.goto("/sharing/")
        page_a.goto(thread_url)
        page_a.wait_for_selector("#reply-form")

        # when the network goes and the thread is reloaded
        a_context.set_offline(True)
        page_a.reload()

        # then it is still readable, with the offline banner
        assert "Offline test" in page_a.inner_text("#thread")
        page_a.wait_for_selector("#offline-banner:not([hidden])")

        # when a reply is written offline it waits ...
        page_a.fill("#id_body", "Written offline")
        page_a.click("#reply-submit")
        page_a.wait_for_selector("#thread-messages li.pending")

        # ... and is delivered when the network returns
        a_context.set_offline(False)
        page_a.wait_for_selector(
            "#thread-messages li[data-message-id]:has-text('Written offline')"
        )
        page_a.reload()
        assert (
            page_a.locator("#thread-messages li:has-text('Written offline')").count()
            == 1
        )


def test_a_page_kept_offline_is_the_whole_page_not_the_list_htmx_refreshed(
    chromium, groupbuy_server
):
    with browser_page(chromium, groupbuy_server) as (context, page):
        # given a member whose inbox is open under the service worker
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 5555 0071", password=PASSWORD, name="Cai"
        )
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.goto("/inbox/")
        wait_for_user_socket(page)

        # when the inbox's list is fetched again by htmx (as a live message or
        # a reconnect does) under the page's own address
        with page.expect_response(
            lambda response: (
                urlsplit(response.url).path == "/inbox/"
                and response.request.headers.get("hx-request") == "true"
            )
        ):
            page.evaluate("() => htmx.trigger(document.body, 'notify-new')")

        # then the inbox opened offline is the page, with its layout, not the
        # bare list the refresh brought
        context.set_offline(True)
        page.goto("/inbox/")
        page.wait_for_selector("#nav-logout", state="attached")
        assert page.locator("#offline-page").count() == 0


def test_the_offline_page_names_no_one_and_is_in_the_language_in_use(
    chromium, groupbuy_server
):
    with browser_page(chromium, groupbuy_server) as (context, page):
        # given an English member whose visit installed the service worker
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 5555 0041", password=PASSWORD, name="Bob"
        )
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.goto("/inbox/")
        assert page.get_attribute("html", "lang") == "en"

        # when Bob signs out and the site is switched to Chinese
        page.click("#nav-logout")
        page.wait_for_selector("#nav-login")
        page.click("#language-zh-hans")
        page.wait_for_selector("#language-en")

        # and the network goes
        context.set_offline(True)

        # then a page not saved, kept or someone's own (never cached), is the
        # offline page, which names no one and is in the language in use now
        for path in ("/inbox/", "/orders/", "/snap/", "/me/", "/more/"):
            page.goto(path)
            page.wait_for_selector("#offline-page")
            assert page.get_attribute("html", "lang") == "zh-Hans", path
            assert page.locator("#nav-logout").count() == 0, path
            assert page.locator("#nav-profile").count() == 0, path
            assert "Bob" not in page.content(), path
        # but a script's request is not answered with it
        outcome = page.evaluate(
            "() => fetch('/orders/').then(() => 'answered', () => 'failed')"
        )
        assert outcome == "failed"

        # and with English chosen again online, it is English offline
        context.set_offline(False)
        page.goto("/")
        page.click("#language-en")
        page.wait_for_selector("#language-zh-hans")
        context.set_offline(True)
        page.goto("/orders/")
        page.wait_for_selector("#offline-page")
        assert page.get_attribute("html", "lang") == "en"


def is_reply_post(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/messages")


def test_a_sent_reply_shows_once_and_an_empty_one_is_refused_before_sending(
    chromium, groupbuy_server
):
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567960', tiers=[(2, 1500)], stock=20)"
    )["deal"]
    with (
        browser_page(chromium, groupbuy_server) as (_a_context, page_a),
        browser_page(chromium, groupbuy_server) as (_b_context, page_b),
    ):
        # given A shared a deal with B and both have the thread open
        sign_in_new_shopper(
            page_a,
            groupbuy_server,
            phone="139 5555 0031",
            password=PASSWORD,
            name="Ann",
        )
        sign_in_new_shopper(
            page_b, groupbuy_server, phone="139 5555 0032", password=PASSWORD, name="Bo"
        )
        share_deal(page_a, deal, phone="139 5555 0032", comment="Shall we?")
        thread_url = page_a.url
        page_b.goto(thread_url)
        wait_for_user_socket(page_a)
        wait_for_user_socket(page_b)
        messages_a = page_a.locator("#thread-messages li")

        # and A's reply is answered only after its live event reached the page
        # (the order the tester met: the socket is quicker than the POST)
        def answer_after_the_live_event(route):
            if route.request.method != "POST":
                route.continue_()
                return
            response = route.fetch()
            page_a.wait_for_selector(
                "#thread-messages li[data-message-id]:has-text('See you there')"
            )
            route.fulfill(response=response)

        page_a.route("**/api/sharing/threads/*/messages", answer_after_the_live_event)

        # when A replies
        page_a.fill("#id_body", "See you there")
        with page_a.expect_response(is_reply_post):
            page_a.click("#reply-submit")

        # then, without a reload, the reply shows once and is not left pending
        page_a.wait_for_function(
            "() => !document.querySelector('#thread-messages li.pending')",
            timeout=10_000,
        )
        assert messages_a.filter(has_text="See you there").count() == 1
        assert page_a.locator("#thread-messages li.pending").count() == 0
        # and B sees it once too
        page_b.wait_for_selector("#thread-messages li:has-text('See you there')")
        assert (
            page_b.locator("#thread-messages li").filter(has_text="See you there")
        ).count() == 1
        page_a.unroute("**/api/sharing/threads/*/messages")

        # when A sends an empty reply
        count = messages_a.count()
        page_a.fill("#id_body", "   ")
        page_a.click("#reply-submit")

        # then it is refused on the page and no bubble is added
        page_a.wait_for_selector("#reply-error")
        assert messages_a.count() == count

        # when A then writes a real reply, it is sent and the error goes
        page_a.fill("#id_body", "Second thoughts")
        with page_a.expect_response(is_reply_post):
            page_a.click("#reply-submit")
        page_a.wait_for_selector(
            "#thread-messages li[data-message-id]:has-text('Second thoughts')"
        )
        page_a.wait_for_function(
            "() => !document.querySelector('#thread-messages li.pending')",
            timeout=10_000,
        )
        assert page_a.locator("#reply-error").count() == 0
        assert messages_a.count() == count + 1
        assert page_a.locator("#thread-messages li.pending").count() == 0
