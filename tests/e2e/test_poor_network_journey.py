"""A shopper on a phone with a poor network, in a real browser.

A team's countdown and the open teams' countdowns on a team buy's page count
the time that passed while the tab was suspended (a phone's browser freezes
a tab in the background), and the team stops offering to join once its time
is up.

A message that arrives while the inbox's socket is away (a dead connection
replaced, a reconnect) shows in the open inbox once the socket is back.

Marking the inbox read while offline says it did not work (htmx dropped
the failed request without a word). When the network comes back, the inbox
fetches its list again (its socket listens again) just as the person taps
"Mark all read" again: the list fetched before the tap must not land after
it and show the messages unread again.

A reply to a share whose sending failed while the phone still counted itself
online (a request lost on a bad line) is sent again by itself, once.
"""

from __future__ import annotations

import contextlib
import json
import re

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_OPENER = "+8613917020001"
PHONE_ANN, PHONE_BO = "+8613917020002", "+8613917020003"
PHONE_CY, PHONE_CY2 = "+8613917020004", "+8613917020005"
PHONE_CY3 = "+8613917020006"
PASSWORD = "poor-network-pass"


def _run(server, code: str) -> dict:
    return json.loads(server.run_python(code).strip().splitlines()[-1])


def _phone_context(chromium, server):
    context = chromium.new_context(
        base_url=server.url,
        viewport={"width": 375, "height": 740},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def _seconds(text: str) -> int:
    """Seconds shown by "HH:MM:SS" in ``text`` (0 once it says it ended)."""
    found = re.search(r"(\d+):(\d\d):(\d\d)", text)
    if not found:
        return 0
    hours, minutes, seconds = (int(part) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds


SEED_TEAM = f"""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.teams.models import Team, TeamDeal
from groupbuy.teams.services import team_open
from tests.e2e.team_seeding import seed_team_deal

deal = seed_team_deal(gtin="6900000170205")["deal"]
opener = User.objects.create_user("{PHONE_OPENER}", "{PASSWORD}",
                                  display_name="Opener", preferred_language="en")
team_deal = TeamDeal.objects.get(deal__public_id=deal)
team = team_open(actor=opener, team_deal=team_deal).team
# four minutes left to fill it
Team.objects.filter(pk=team.pk).update(expires_at=timezone.now() + timedelta(minutes=4))
print(json.dumps({{"deal": deal, "team": team.public_id}}))
"""


def test_a_team_countdown_counts_the_minutes_a_suspended_tab_missed(
    chromium, groupbuy_server
):
    # given a team with four minutes left to fill, its page open on a phone
    # whose clock the test controls (the tab is suspended by jumping it)
    seeded = _run(groupbuy_server, SEED_TEAM)
    context = _phone_context(chromium, groupbuy_server)
    # The page's clock is the test's: the clock socket (ws/clock/) is kept
    # silent, as the server's time would rightly pull the jumped clock back.
    context.route_web_socket(re.compile(r"/ws/clock/$"), lambda socket: None)
    try:
        team_page = context.new_page()
        team_page.clock.install()
        team_page.goto(f"/teams/t/{seeded['team']}/")
        team_page.locator("#team-countdown").filter(has_text=":").wait_for()
        before = _seconds(team_page.inner_text("#team-countdown"))
        assert 200 < before <= 240
        assert team_page.locator("#team-join").is_visible()
        # when the phone suspends the team page's tab for two minutes
        team_page.clock.fast_forward("02:00")
        # then its countdown has moved on by those two minutes, not by a tick
        team_page.wait_for_timeout(1_500)
        after = _seconds(team_page.inner_text("#team-countdown"))
        assert 110 <= before - after <= 130, (before, after)

        # when the team page's tab is suspended past the team's time
        team_page.clock.fast_forward("05:00")
        # then it no longer counts down, and no longer offers to join
        team_page.locator("#team-join-form").wait_for(state="hidden")
        assert _seconds(team_page.inner_text("#team-time-left")) == 0
    finally:
        context.close()


SEED_SHARE = f"""
import json
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Product
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import share_send

ann = User.objects.create_user("{PHONE_ANN}", "{PASSWORD}", display_name="Ann",
                               preferred_language="en")
bo = User.objects.create_user("{PHONE_BO}", "{PASSWORD}", display_name="Bo",
                              preferred_language="en")
product = Product.objects.create(name_zh="茉莉花茶", name_en="Jasmine tea")
share = share_send(actor=ann, product=product, comment="Shall we?",
                   contacts=[Contact(name="", address=bo.phone)])
print(json.dumps({{"share": share.public_id}}))
"""

REPLIES = """
import json
from groupbuy.sharing.models import Message
print(json.dumps({"count": Message.objects.filter(body="Sent on a bad line").count()}))
"""


def test_a_reply_lost_on_a_bad_line_is_sent_again_by_itself(chromium, groupbuy_server):
    # given Ann's thread with Bo open on her phone
    seeded = _run(groupbuy_server, SEED_SHARE)
    context = _phone_context(chromium, groupbuy_server)
    try:
        page = context.new_page()
        sign_in(page, PHONE_ANN, PASSWORD)
        page.goto(f"/sharing/threads/{seeded['share']}/")
        page.wait_for_selector("#reply-form")
        # and a line that loses her requests, though the phone says it is online
        line = {"bad": True}

        def lossy(route):
            if line["bad"] and route.request.method == "POST":
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/api/sharing/threads/*/messages", lossy)

        # when she replies, the reply waits
        page.fill("#id_body", "Sent on a bad line")
        page.click("#reply-submit")
        page.wait_for_selector("#thread-messages li.pending")

        # and once the line is good again, without a reload or an online event,
        # it is delivered, once
        line["bad"] = False
        page.wait_for_selector(
            "#thread-messages li[data-message-id]:has-text('Sent on a bad line')",
            timeout=15_000,
        )
        assert page.locator("#thread-messages li.pending").count() == 0
        assert _run(groupbuy_server, REPLIES) == {"count": 1}
    finally:
        context.close()


SEED_CY = f"""
import json
from groupbuy.accounts.models import User
User.objects.create_user("{PHONE_CY}", "{PASSWORD}", display_name="Cy",
                         preferred_language="en")
print(json.dumps({{"ok": True}}))
"""

NOTIFY_CY = f"""
import json
from groupbuy.accounts.models import User
from groupbuy.notify.services import notification_enqueue
notification_enqueue(recipient=User.objects.get(phone="{PHONE_CY}"),
                     kind="test.poor_network", title="Your parcel is ready", body="",
                     channels=["in_app"])
print(json.dumps({{"ok": True}}))
"""


def test_a_message_sent_while_the_inbox_socket_was_away_shows_once_it_is_back(
    chromium, groupbuy_server
):
    # given Cy signed in on a phone
    _run(groupbuy_server, SEED_CY)
    context = _phone_context(chromium, groupbuy_server)
    try:
        page = context.new_page()
        sign_in(page, PHONE_CY, PASSWORD)
        # whose inbox's sockets (ws/me/) are on a line that carries nothing
        # until the test says the network is back (a loaded machine may take
        # past the 10 s liveness timeout to get here, and the page then opens
        # a new socket, which must be dead too)
        sockets, network_back = [], []

        def line(socket):
            sockets.append(socket)
            if network_back:
                socket.connect_to_server()

        page.route_web_socket(re.compile(r"/ws/me/$"), line)
        page.goto("/inbox/")
        page.wait_for_selector("#inbox-list")
        assert sockets

        # when a message is sent to Cy meanwhile (its push is lost)
        _run(groupbuy_server, NOTIFY_CY)
        page.wait_for_timeout(500)
        assert "Your parcel is ready" not in page.inner_text("#inbox-list")
        # and the dead socket is closed, so the page connects again
        network_back.append(True)
        for socket in list(sockets):
            socket.close()

        # then the open inbox shows the message, without a reload
        page.locator("#inbox-list").filter(has_text="Your parcel is ready").wait_for(
            timeout=15_000
        )
        assert page.inner_text("#inbox-badge") == "1"
    finally:
        context.close()


def test_marking_the_inbox_read_offline_says_it_did_not_work(chromium, groupbuy_server):
    # given Cy's inbox open, with one unread message
    _run(groupbuy_server, SEED_CY.replace("Cy", "Cy2").replace(PHONE_CY, PHONE_CY2))
    _run(groupbuy_server, NOTIFY_CY.replace(PHONE_CY, PHONE_CY2))
    context = _phone_context(chromium, groupbuy_server)
    try:
        page = context.new_page()
        sign_in(page, PHONE_CY2, PASSWORD)
        page.goto("/inbox/")
        page.wait_for_selector("#inbox-list .is-unread")

        # when the network goes and Cy taps "Mark all read"
        context.set_offline(True)
        page.click("#inbox-mark-all-read")

        # then the page says it did not work, and the message is still unread
        alert = page.locator("#inbox [role=alert]")
        alert.wait_for()
        assert "No connection" in alert.inner_text()
        assert page.locator("#inbox-list .is-unread").count() == 1

        # when the network is back and Cy taps again, it works and the alert goes
        context.set_offline(False)
        page.click("#inbox-mark-all-read")
        page.wait_for_selector("#inbox-list .is-unread", state="detached")
        alert.wait_for(state="detached")
    finally:
        context.close()


def test_a_list_fetched_before_mark_all_read_does_not_hide_that_it_worked(
    chromium, groupbuy_server
):
    # given Cy's inbox open, with one unread message
    _run(groupbuy_server, SEED_CY.replace("Cy", "Cy3").replace(PHONE_CY, PHONE_CY3))
    _run(groupbuy_server, NOTIFY_CY.replace(PHONE_CY, PHONE_CY3))
    context = _phone_context(chromium, groupbuy_server)
    try:
        page = context.new_page()
        page.add_init_script(
            "document.addEventListener('realtime-user-joined',"
            " () => { document.body.dataset.socketJoined = 'yes'; }, true);"
        )
        sign_in(page, PHONE_CY3, PASSWORD)
        page.goto("/inbox/")
        page.wait_for_selector("#inbox-list .is-unread")
        # (an attribute, not wait_for_function: the page's CSP forbids the
        # eval that polling a JavaScript expression uses)
        page.wait_for_selector("body[data-socket-joined=yes]", state="attached")

        # when the inbox fetches its list again (its socket listened again),
        # Cy taps "Mark all read" before that answer comes, and the answers
        # arrive in the other order: the list (message unread), then the tap's
        answers = {}

        def hold(route):
            if route.request.method in answers:
                route.continue_()
            else:
                answers[route.request.method] = (route, route.fetch())

        page.route(re.compile(r"/inbox/(read-all/)?(\?.*)?$"), hold)
        page.evaluate(
            "document.body.dispatchEvent(new CustomEvent('realtime-user-joined'))"
        )
        _wait_until(page, lambda: "GET" in answers)
        page.click("#inbox-mark-all-read")
        _wait_until(page, lambda: "POST" in answers)
        for method in ("GET", "POST"):
            route, answer = answers[method]
            # (the page may have given up that request: fulfilling it then fails)
            with contextlib.suppress(Exception):
                route.fulfill(response=answer)
            page.wait_for_timeout(300)

        # then the page shows what the server now holds: nothing unread
        page.wait_for_selector("#inbox-list .is-unread", state="detached", timeout=5000)
    finally:
        context.close()


def _wait_until(page, condition, *, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page did not send the request")
