"""Live refreshes that fail offline say so instead of throwing.

Until 2026-12-06 the team buy's open-team list, refreshed when a team of the
deal changed, and the notifications page's key fetch threw an uncaught promise
rejection when the network was gone, and the page said nothing. (The autouse
fixture fails a journey with an uncaught error.)
"""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "offline-refresh-pass"
PHONE = "13900770095"
GTIN = "6901234568004"

SEED_SHOPPER = f"""
from groupbuy.accounts.models import User

User.objects.filter(phone="+86{PHONE}").delete()
User.objects.create_user(
    phone="+86{PHONE}", password="{PASSWORD}", preferred_language="en"
)
"""


def _context(chromium, server, **extra):
    context = chromium.new_context(
        base_url=server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
        **extra,
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def test_an_open_team_list_that_cannot_refresh_offline_says_so_then_catches_up(
    chromium, groupbuy_server
):
    code = (
        "import json\nfrom tests.e2e.team_seeding import *\n"
        f"print(json.dumps(seed_team_deal(gtin='{GTIN}')))"
    )
    deal = json.loads(groupbuy_server.run_python(code).strip().splitlines()[-1])["deal"]
    context = _context(chromium, groupbuy_server)
    try:
        page = context.new_page()
        # given a team buy's page whose socket the test speaks for
        sockets = []
        page.route_web_socket(
            re.compile(r"/ws/team-deals/"), lambda socket: sockets.append(socket)
        )
        page.goto(f"/teams/deals/{deal}/")
        page.wait_for_selector("#open-team-list")
        for _ in range(100):
            if sockets:
                break
            page.wait_for_timeout(50)
        # when the network goes and a team of the deal changes
        context.set_offline(True)
        sockets[0].send(json.dumps({"type": "team.update", "state": "open"}))
        # then the page says its list could not be refreshed
        note = page.locator("#open-teams-stale")
        note.wait_for()
        assert "Could not refresh the open teams" in note.inner_text()
        # when the network is back, the list is fetched again and the note goes
        with page.expect_response(re.compile(rf"/teams/deals/{deal}/$")):
            context.set_offline(False)
        note.wait_for(state="hidden")
        page.wait_for_selector("#open-team-list")
    finally:
        context.close()


def test_turning_notifications_on_offline_says_there_is_no_connection(
    chromium, groupbuy_server
):
    groupbuy_server.run_python(SEED_SHOPPER)
    context = _context(chromium, groupbuy_server)
    context.grant_permissions(["notifications"])
    try:
        page = context.new_page()
        sign_in(page, PHONE, PASSWORD)
        page.goto("/sharing/push/")
        button = page.locator("#push-subscribe")
        unsupported = page.locator("#push-unsupported")
        page.locator("#push-subscribe:visible, #push-unsupported:visible").wait_for()
        if unsupported.is_visible():
            pytest.skip("this Chromium has no web push")
        # when the network goes and the shopper turns notifications on
        context.set_offline(True)
        button.click()
        # then the page says there is no connection
        page.locator("#push-status", has_text="No connection").wait_for()
    finally:
        context.close()
