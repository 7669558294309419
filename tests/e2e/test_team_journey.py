"""Team buys in two real browsers against `groupbuy serve`.

A opens a team and copies its link → B opens the link signed out, joins
(signing up on the way, then confirming the join) and pays → both
see the team complete live (WebSocket), its countdown and invitation to join
gone, and the team buy's deal page counts B's unit live; a team that runs
out of time is expired at the end of its window with both members refunded;
a payer back on the team page before their payment is confirmed sees it
confirmed there without reloading; a payment that lands after the team ended
reads refunded there without reloading; on a slow network a join button shows it is
busy and takes no second tap; and at the deadline by the synchronised clock a
deal page stops offering to join before the server's push.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in_new_shopper
from tests.e2e.sms import code_from_outbox, verification_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _context(chromium, server):
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def _seed(server, call: str) -> dict:
    code = (
        f"import json\nfrom tests.e2e.team_seeding import *\nprint(json.dumps({call}))"
    )
    return json.loads(server.run_python(code).strip().splitlines()[-1])


def _pay(page) -> None:
    page.wait_for_url("**/escrow/sandbox/pay/**")
    page.click("#sandbox-pay")
    page.wait_for_url("**/teams/t/**")


def _open_and_share(page, deal_id: str) -> str:
    page.goto(f"/teams/deals/{deal_id}/")
    page.click("#open-team")
    _pay(page)
    page.click("#copy-link")
    page.wait_for_selector("#copy-done:not([hidden])")
    link = page.evaluate("navigator.clipboard.readText()")
    assert "/teams/t/" in link
    return link


def _join_by_link(page, link: str) -> None:
    page.goto(link)
    page.click("#team-join")
    _pay(page)


def _join_signed_out(page, server, link: str) -> None:
    """Open a team's link signed out, tap Join, sign up from the log-in page and
    confirm the join on the page it comes back to (until 2026-12-06 an empty
    405: the log-in page's next was the POST-only join)."""
    page.goto(link)
    page.click("#team-join")
    page.wait_for_url(re.compile(r"/login/\?next=/teams/t/.+/join/$"))
    page.click("#login-signup-link")
    page.fill("#id_phone", "139 1600 0002")
    page.fill("#id_password", "team-pw-2")
    page.fill("#id_display_name", "B")
    page.click("#signup-submit")
    page.wait_for_url("**/signup/verify/**")
    page.fill(
        "#id_code", code_from_outbox(server.data_dir, verification_id_from(page.url))
    )
    page.click("#code-submit")
    page.wait_for_url(re.compile(r"/teams/t/[^/]+/join/$"))
    page.click("#team-confirm-submit")


# What the payer reads on the team page while their payment is on its way.
PAYMENT_ON_ITS_WAY = "#team-payment-waiting, #team-confirming"


def _wait_until_paid(page, timeout_s: float = 60) -> None:
    """Reload the team page until its payment is confirmed (the job that marks
    the place paid follows the pay page)."""
    until = time.monotonic() + timeout_s
    while page.locator(f"{PAYMENT_ON_ITS_WAY}, #team-pay").count():
        assert time.monotonic() < until, "the place was never marked paid"
        time.sleep(0.5)
        page.reload()


def _wait_for_state(page, state: str, timeout_s: float) -> None:
    page.wait_for_selector(f"#team[data-state='{state}']", timeout=timeout_s * 1000)


def _assert_shows_outcome(page, outcome: str) -> None:
    """The team is over: no places left, countdown or invitation to join, and
    ``outcome`` shown instead."""
    page.wait_for_selector(outcome, state="visible")
    for open_only in ("#team-slots", "#team-countdown", "#team-share", "#team-join"):
        assert page.locator(open_only).count() == 0, open_only
    assert "join your team" not in page.inner_text("body")


def test_a_friend_fills_my_team_and_both_see_it_complete_live(
    chromium, groupbuy_server
):
    deal_id = _seed(groupbuy_server, "seed_team_deal(gtin='6901234567014')")["deal"]
    a_context, b_context = (_context(chromium, groupbuy_server) for _ in range(2))
    a, b = a_context.new_page(), b_context.new_page()
    try:
        sign_in_new_shopper(
            a, groupbuy_server, phone="139 1600 0001", password="team-pw-1", name="A"
        )
        # A opens a team, pays and copies its link
        link = _open_and_share(a, deal_id)
        assert a.get_attribute("#team", "data-state") == "open"
        # A also watches the team buy's deal page, which counts the units left
        watcher = a_context.new_page()
        watcher.goto(f"/deals/{deal_id}/")
        units_left = watcher.locator('#team-deal-units [data-live="units-left"]')
        left_before = int(units_left.inner_text())
        # B, new here, opens the link and takes the last place, signing up on
        # the way: until B pays, A reads that the team is full and waits for a
        # payment (not "0 places left")
        _join_signed_out(b, groupbuy_server, link)
        a.wait_for_function(
            "document.querySelector('#team-slots').textContent"
            ".startsWith('This team is full, waiting for a member to pay')"
        )
        # B pays
        _pay(b)
        # both see the team complete, A without reloading
        _wait_for_state(a, "complete", 30)
        # and the deal page counted B's unit live, without reloading
        watcher.wait_for_function(
            "n => document.querySelector('#team-deal-units [data-live=units-left]')"
            ".textContent.trim() === String(n)",
            arg=left_before - 1,
        )
        # the live update keeps the page's own words
        assert a.inner_text("#team-state").strip() == "Complete"
        # (and A's own place among the members pushed, in the page's phrase)
        assert " (you) ✓" in a.inner_text("#team-members")
        # and the complete team no longer counts down nor invites people in:
        # it says how it ended
        _assert_shows_outcome(a, "#team-completed")
        # and leads A, still without reloading, to their order and its coupon
        a.wait_for_selector("#team-order-link", state="visible")
        assert "/orders/" in a.get_attribute("#team-order-link", "href")
        assert a.locator("#team-next-refunded").is_hidden()
        b.goto(link)
        _wait_for_state(b, "complete", 30)
        _assert_shows_outcome(b, "#team-completed")
        b.goto("/teams/")
        assert "Confirmed" in b.inner_text("#my-teams")
        # and the row, a thumb tall, is tapped anywhere to reach the team
        row = b.locator("#my-teams .my-team a.row")
        assert row.bounding_box()["height"] >= 44
        assert "Confirmed" in row.inner_text()
    finally:
        a_context.close()
        b_context.close()


def test_a_team_that_runs_out_of_time_refunds_both(chromium, groupbuy_server):
    deal_id = _seed(
        groupbuy_server, "seed_team_deal(gtin='6901234567021', team_size=3)"
    )["deal"]
    a_context, b_context = (_context(chromium, groupbuy_server) for _ in range(2))
    a, b = a_context.new_page(), b_context.new_page()
    try:
        sign_in_new_shopper(
            a, groupbuy_server, phone="139 1600 0003", password="team-pw-3", name="C"
        )
        sign_in_new_shopper(
            b, groupbuy_server, phone="139 1600 0004", password="team-pw-4", name="D"
        )
        link = _open_and_share(a, deal_id)
        _join_by_link(b, link)
        # (both places paid before the window ends: a payment confirmed after
        # it is refunded too, but the place then reads Cancelled, not Refunded)
        _wait_until_paid(b)
        team_id = link.rstrip("/").rsplit("/", 1)[-1]
        # the team is still one short when its window ends
        _seed(groupbuy_server, f"end_team_window(team_id='{team_id}')")
        # its scheduled expiry refunds it; A sees it live
        _wait_for_state(a, "expired", 90)
        assert a.inner_text("#team-state").strip() == "Expired"
        _assert_shows_outcome(a, "#team-refunded")
        # and tells A where the money goes, leading to My money
        a.wait_for_selector("#team-money-link", state="visible")
        assert a.locator("#team-order-link").is_hidden()
        # and still lists both members, live, each marked refunded
        a.wait_for_function(
            "document.querySelectorAll('#team-members li .pill').length === 2"
        )
        assert a.locator("#team-members li").all_inner_texts() == [
            "C*** (you) Refunded",
            "D*** Refunded",
        ]
        for page in (a, b):
            until = time.monotonic() + 60
            while True:
                page.goto("/money/")
                if page.locator("#money-held").inner_text().strip() == "¥0.00":
                    break
                assert time.monotonic() < until, "money still held"
                time.sleep(1)
            page.goto("/teams/")
            assert "Refunded" in page.inner_text("#my-teams")
    finally:
        a_context.close()
        b_context.close()


def _open_and_pay_late(page, server, deal_id: str, *, delay_seconds: int) -> str:
    """Open a team, pay on the gateway, whose answer comes ``delay_seconds``
    later, and go back to the team's page; return the team's id."""
    page.goto(f"/teams/deals/{deal_id}/")
    page.click("#open-team")
    page.wait_for_url("**/escrow/sandbox/pay/**")
    intent_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    team_id = _seed(
        server, f"pay_late(intent_id='{intent_id}', delay_seconds={delay_seconds})"
    )["team"]
    page.goto(f"/teams/t/{team_id}/")
    return team_id


def test_the_payer_sees_their_place_confirmed_without_reloading(
    chromium, groupbuy_server
):
    deal_id = _seed(groupbuy_server, "seed_team_deal(gtin='6901234567045')")["deal"]
    context = _context(chromium, groupbuy_server)
    page = context.new_page()
    try:
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 1600 0005", password="team-pw-5", name="E"
        )
        # given a shopper who opened a team and paid on the gateway, whose
        # answer comes a few seconds after they are back on the team page
        _open_and_pay_late(page, groupbuy_server, deal_id, delay_seconds=4)
        page.wait_for_selector(PAYMENT_ON_ITS_WAY, state="visible")
        # when the answer comes: the place is marked paid, the team stays open
        page.wait_for_function(
            "document.querySelector('#team-members').textContent.includes('✓')"
        )
        # then the page stops saying the payment is on its way, without a reload
        page.wait_for_selector(PAYMENT_ON_ITS_WAY, state="detached", timeout=5_000)
        assert page.get_attribute("#team", "data-state") == "open"
        assert page.locator("#team-pay").count() == 0
    finally:
        context.close()


def test_a_declined_payment_is_paid_again_for_the_same_place(chromium, groupbuy_server):
    deal_id = _seed(groupbuy_server, "seed_team_deal(gtin='6901234567052')")["deal"]
    context = _context(chromium, groupbuy_server)
    page = context.new_page()
    try:
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 1600 0006", password="team-pw-6", name="F"
        )
        # given a shopper who opens a team and declines on the gateway
        page.goto(f"/teams/deals/{deal_id}/")
        page.click("#open-team")
        page.wait_for_url("**/escrow/sandbox/pay/**")
        page.click("#sandbox-decline")
        page.wait_for_url("**/teams/t/**")
        team_url = page.url
        # then the team page never says the payment was received, and once the
        # gateway's answer comes it offers to pay again, without a reload
        page.wait_for_selector("#team-pay-again", timeout=20_000)
        assert "Payment received" not in page.inner_text("#team")
        assert "declined" in page.inner_text("#team-declined")
        # when they pay again
        page.click("#team-pay-again")
        page.wait_for_url("**/escrow/sandbox/pay/**")
        page.click("#sandbox-pay")
        # then the same place is paid
        page.wait_for_url(team_url)
        page.wait_for_function(
            "document.querySelector('#team-members').textContent.includes('✓')",
            timeout=20_000,
        )
        page.wait_for_selector(PAYMENT_ON_ITS_WAY, state="detached", timeout=5_000)
        assert page.locator("#team-pay, #team-pay-again, #team-declined").count() == 0
    finally:
        context.close()


# Noted in the page as the join's form turns busy (before its answer, however
# slow, replaces the page).
WATCH_THE_JOIN = """() => {
  const button = document.querySelector('#buy-alone');
  const form = button.form;
  new MutationObserver(() => {
    if (!button.disabled || sessionStorage.getItem('busy')) return;
    sessionStorage.setItem('busy', JSON.stringify({
      ariaBusy: form.getAttribute('aria-busy'),
      spinner: button.querySelector('.spinner') !== null,
    }));
  }).observe(button, {attributes: true});
}"""


def test_a_payment_landing_after_the_team_ended_reads_refunded_live(
    chromium, groupbuy_server
):
    deal_id = _seed(groupbuy_server, "seed_team_deal(gtin='6901234567106')")["deal"]
    context = _context(chromium, groupbuy_server)
    page = context.new_page()
    try:
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 1600 0009", password="team-pw-9", name="I"
        )
        # given a shopper who opens a team and pays, the gateway's answer late
        team_id = _open_and_pay_late(page, groupbuy_server, deal_id, delay_seconds=10)
        # and the team's time runs out before the answer comes: the place goes
        # with it, unpaid, and the page says nothing was charged
        _seed(groupbuy_server, f"end_team_window(team_id='{team_id}')")
        _wait_for_state(page, "expired", 30)
        page.wait_for_selector("#team-not-charged", state="visible")
        # when the payment lands (escrow refunds it in full)
        # then the page says what they paid goes back, without a reload
        page.wait_for_selector("#team-paid-back", state="visible", timeout=30_000)
        assert page.locator("#team-not-charged").is_hidden()
        assert "goes back in full" in page.inner_text("#team-announce")
    finally:
        context.close()


def test_a_join_shows_it_is_busy_while_its_answer_is_on_its_way(
    chromium, groupbuy_server
):
    deal_id = _seed(groupbuy_server, "seed_team_deal(gtin='6901234567069')")["deal"]
    context = _context(chromium, groupbuy_server)
    page = context.new_page()
    try:
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 1600 0007", password="team-pw-7", name="G"
        )
        page.goto(f"/deals/{deal_id}/")
        joins = []
        page.on(
            "request",
            lambda request: (
                joins.append(request.url)
                if request.method == "POST" and "/open/" in request.url
                else None
            ),
        )
        page.evaluate(WATCH_THE_JOIN)
        # when the shopper taps "Buy alone ¥20.00"
        page.click("#buy-alone")
        # (the button's own solo=1 was still sent: the solo price is asked)
        page.wait_for_url("**/escrow/sandbox/pay/**")
        assert "¥20.00" in page.inner_text("main")
        page.click("#sandbox-pay")
        page.wait_for_url("**/teams/t/**")
        # then, while its answer was on its way, the form said it was busy and
        # its button was disabled, with a spinner; one join was sent
        busy = json.loads(page.evaluate("sessionStorage.getItem('busy')"))
        assert busy == {"ariaBusy": "true", "spinner": True}
        assert len(joins) == 1, joins
    finally:
        context.close()


def test_the_join_form_goes_at_the_deadline_before_the_servers_push(
    chromium, groupbuy_server
):
    # given a plain deal whose deadline is seconds away, open in the browser
    context = _context(chromium, groupbuy_server)
    page = context.new_page()
    try:
        sign_in_new_shopper(
            page, groupbuy_server, phone="139 1600 0008", password="team-pw-8", name="H"
        )
        # (its deadline in the page as rendered: no push has to reach it in time)
        deal_id = groupbuy_server.seed(
            "seed_open_deal(gtin='6901234567076', tiers=[(1, 1500)], stock=20,"
            " seconds_to_deadline=12)"
        )["deal"]
        # and the deal's socket on a line that carries nothing: on a loaded
        # machine the server's close could otherwise reach the page first and
        # reload it, and what is checked is the page's own countdown
        context.route_web_socket(re.compile(r"/ws/deals/"), lambda socket: None)
        page.goto(f"/deals/{deal_id}/")
        page.wait_for_selector("#join-form", state="visible")
        page.evaluate("window.notReloaded = true")
        # when its countdown reaches zero
        page.wait_for_selector("#deal-countdown.ended", timeout=20_000)
        # then, on the same page (no reload yet: the push comes later), the
        # join form is gone and the page says the group buy has closed
        shown = page.evaluate(
            "() => ({ same: window.notReloaded === true,"
            " formHidden: document.querySelector('#join-section').hidden,"
            " buttonDisabled: document.querySelector('#join-submit').disabled,"
            " ended: !document.querySelector('#join-ended').hidden })"
        )
        assert shown == {
            "same": True,
            "formHidden": True,
            "buttonDisabled": True,
            "ended": True,
        }
        assert page.inner_text("#join-ended").strip() == "This group buy has closed."
        # and a join sent anyway is refused with the reason
        page.evaluate(
            "() => { const form = document.querySelector('#join-form');"
            " for (const c of form.querySelectorAll('[disabled]')) c.disabled = false;"
            " form.submit(); }"
        )
        page.wait_for_load_state()
        page.wait_for_selector("#form-errors, #join-closed")
        refusal = page.inner_text("main")
        assert "closed" in refusal or "deadline" in refusal, refusal
        assert page.locator("#join-form").count() == 0
    finally:
        context.close()
