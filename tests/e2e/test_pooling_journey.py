"""Pooled orders in real browsers: three shoppers at one shop → a suggestion for
each → all accept (a pool page whose socket missed an answer learns it when the
socket joins again) → the pool chat opens for all three and carries messages
live, with Report on the others';
two shoppers pool a "second item half price" by product and price (each form
shows only the fields its kind of promotion uses); a shopper
finds another buying the same product, asks to connect, and once accepted they
chat.

Three Chromium contexts (three phones) against `groupbuy serve`: the online
matching step runs in the server's Huey workers after each request commits, and
the chat travels over the pool's WebSocket.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-journey-pass"
PHONES = ["13900770011", "13900770012", "13900770013"]


def _seed(phones: list[str], body: str) -> str:
    """A seeding script: the shoppers of ``phones`` (made anew), then ``body``."""
    users = f"""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.pooling import services

users = []
for phone in {phones!r}:
    User.objects.filter(phone="+86" + phone).delete()
    users.append(User.objects.create_user(
        phone="+86" + phone, password="{PASSWORD}", preferred_language="en"
    ))
now = timezone.now()
"""
    return users + body


SEED = _seed(
    PHONES,
    """
merchant = Merchant.objects.create(name="拼单超市", name_en="Pool Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Spend 300 save 50",
    kind="threshold", tiers=[(30000, 5000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
print(json.dumps({"branch": branch.public_id}))
""",
)


def _phone(chromium, groupbuy_server, *, timezone_id: str | None = None):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
        timezone_id=timezone_id,
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def _sign_in(page, phone: str) -> None:
    sign_in(page, phone, PASSWORD, then="/pooling/")


def _wait_for_suggestion(page, *, timeout_s: float = 30) -> None:
    # The list reloads itself when a suggestion arrives; opening it again now
    # and then covers one sent before the page's socket connected.
    until = time.monotonic() + timeout_s
    if not page.url.endswith("/pooling/"):
        page.goto("/pooling/")
    while True:
        try:
            page.locator(".pool-link").first.wait_for(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if time.monotonic() > until:
                raise AssertionError("no pool suggestion arrived") from None
        page.goto("/pooling/")


def test_three_shoppers_pool_accept_and_chat(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    # (the second shopper's phone is on London time, as a traveller's is)
    zones = [None, "Europe/London", None]
    phones = [_phone(chromium, groupbuy_server, timezone_id=zone) for zone in zones]
    try:
        pages = [page for _context, page in phones]
        # given three shoppers at one shop, each with a ¥100 cart for "300 − 50"
        for page, phone in zip(pages, PHONES, strict=True):
            _sign_in(page, phone)
            page.goto(f"/pooling/branches/{seeded['branch']}/")
            # (a spend-and-save promotion asks for the cart, not a price)
            page.locator("#field-unit_price").wait_for(state="hidden")
            page.fill("#id_amount", "100")
            page.select_option("#id_max_group_size", "4")
            page.click("#pool-request-submit")
            # (each lands on their request's own page, looking for a pool; the
            # last to ask completes a pool, and the matching job may suggest
            # it before that page is read)
            page.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))
            state = page.get_attribute("#request-summary", "data-state")
            assert state in (
                ("open", "suggested") if phone == PHONES[-1] else ("open",)
            )

        # (the third's pool page cannot reach its socket until told: it
        # rejoins later, having missed what was said meanwhile)
        socket_refused = [True]

        def third_pool_socket(socket) -> None:
            if socket_refused[0]:
                socket.close(code=1011)
            else:
                socket.connect_to_server()

        pages[2].route_web_socket(re.compile(r"/ws/pools/"), third_pool_socket)
        # when each opens the suggestion: the pool of three, saving ¥16.66–16.67
        for page in pages:
            _wait_for_suggestion(page)
            page.click(".pool-link")
            page.wait_for_selector("#pool-members")
            assert page.locator("#pool-members .member").count() == 3
            assert re.search(r"¥16\.6[67]", page.inner_text("#my-share"))
        # and the first accepts: the second sees it on their open page
        pages[0].click("#pool-accept")
        pages[0].wait_for_selector("#pool-waiting")
        accepted = "#pool-members .member[data-answer='accepted']"
        pages[1].locator(accepted).wait_for(timeout=15_000)
        # and the third, whose socket missed it, sees it once the socket joins
        # again: the page learns it from the state the socket gets on joining
        assert pages[2].locator(accepted).count() == 0
        socket_refused[0] = False
        pages[2].locator(accepted).wait_for(timeout=30_000)
        # and then the others
        for page in pages[1:]:
            page.click("#pool-accept")
            page.wait_for_selector("#pool-state")

        # then the chat opens for all three (the others' pages update live)
        for page in pages:
            page.wait_for_selector("#pool-chat", timeout=20_000)

        # and a message reaches the others over the WebSocket (Send clicked
        # twice in a hurry: it is sent once)
        pages[0].fill("#chat-body", "Meet at till 3 at six")
        pages[0].dblclick("#chat-send")
        last_time = "#chat-messages li:last-child time"
        for page in pages:
            page.wait_for_selector(
                "#chat-messages li:has-text('Meet at till 3 at six')", timeout=15_000
            )
        # with the time it was sent, the same on every phone and as the page
        # says it once reloaded: the site's time zone, whatever the phone's
        sent = {page.inner_text(last_time) for page in pages}
        assert len(sent) == 1 and re.fullmatch(r"\d\d:\d\d", min(sent)), sent
        # and it has Report on the others' phones, not on the writer's
        live = pages[1].locator("#chat-messages li:has-text('Meet at till 3')")
        live_report = live.locator(".reply-actions").evaluate("span => span.outerHTML")
        assert "Report" in live_report
        mine = pages[0].locator("#chat-messages li:has-text('Meet at till 3')")
        assert mine.locator(".report-link").count() == 0
        pages[1].reload()
        pages[1].wait_for_selector("#chat-messages li:has-text('Meet at till 3')")
        assert {pages[1].inner_text(last_time)} == sent
        stored = pages[1].locator("#chat-messages li:has-text('Meet at till 3')")
        assert stored.count() == 1
        # the very link the page gives the message once reloaded
        stored_report = stored.locator(".reply-actions").evaluate("s => s.outerHTML")
        assert stored_report == live_report

        # when each in turn shows their number to the pool, the first typing a
        # message once they have
        for page in pages:
            with page.expect_navigation():
                page.click("#phone-consent")
            page.wait_for_selector("#pool-phone")
            if page is pages[0]:
                page.fill("#chat-body", "a draft")
        # then once the last agrees, every open page shows the three numbers in
        # place (the first one's draft is still there: the page did not reload)
        for page in pages:
            for phone in PHONES:
                page.locator(f"#pool-members span:text-is('+86{phone}')").wait_for(
                    timeout=15_000
                )
        assert pages[0].input_value("#chat-body") == "a draft"
    finally:
        for context, _page in phones:
            context.close()


LOCATE_PHONE = "13900770021"

LOCATE_SEED = (
    SEED.replace(repr(PHONES), repr([LOCATE_PHONE]))
    .replace(
        'name="拼单超市", name_en="Pool Mart"', 'name="步行超市", name_en="Walk Mart"'
    )
    .replace(
        'name="Main", address="1 Road"',
        'name="Main", address="1 Road", latitude="31.23", longitude="121.47"',
    )
)


def test_location_fills_the_place_a_far_shop_refuses_and_a_request_is_withdrawn(
    chromium, groupbuy_server
):
    seeded = json.loads(
        groupbuy_server.run_python(LOCATE_SEED).strip().splitlines()[-1]
    )
    # given a shopper whose phone says they are ~2.2 km from the shop
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=groupbuy_server.url,
        locale="en-US",
        geolocation={"latitude": 31.25, "longitude": 121.47},
        permissions=["geolocation"],
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        page = context.new_page()
        _sign_in(page, LOCATE_PHONE)
        page.goto(f"/pooling/branches/{seeded['branch']}/")
        # with location turned off for the site, pressing "Use my location"
        # says so (and that they can still ask) instead of nothing
        context.clear_permissions()
        page.click("#pool-locate")
        page.wait_for_function(
            "document.getElementById('pool-location-status').textContent"
            ".startsWith('Location is turned off for this site.')"
        )
        assert page.input_value("#id_latitude") == ""
        assert page.locator("#pool-location-clear").is_hidden()
        context.grant_permissions(["geolocation"])
        # when they press "Use my location", the place goes into hidden fields
        # and the form says it is used; "Clear my location" empties them
        page.click("#pool-locate")
        page.wait_for_function(
            "document.getElementById('id_latitude').value === '31.250000'"
        )
        assert page.inner_text("#pool-location-status") == "Using your location."
        page.click("#pool-location-clear")
        page.wait_for_function("document.getElementById('id_latitude').value === ''")
        assert page.inner_text("#pool-location-status") == ""
        assert page.locator("#pool-location-clear").is_hidden()
        # and pressed again, they ask to pool
        page.click("#pool-locate")
        page.wait_for_function(
            "document.getElementById('id_latitude').value === '31.250000'"
        )
        page.fill("#id_amount", "150")
        page.click("#pool-request-submit")
        # then the form says the shop is farther than they walk
        page.wait_for_selector("text=farther than the 1000 m you will walk")
        # and from ~560 m away the request goes through
        context.set_geolocation({"latitude": 31.235, "longitude": 121.47})
        page.click("#pool-locate")
        page.wait_for_function(
            "document.getElementById('id_latitude').value === '31.235000'"
        )
        page.click("#pool-request-submit")
        page.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))
        # and, nobody to pool with yet, they withdraw it from its page
        page.click("#request-withdraw")
        page.wait_for_selector("text=we no longer look for a pool for it")
        assert page.get_attribute("#request-summary", "data-state") == "withdrawn"
        # the page starts at that message (a screen reader reads it first)
        assert page.evaluate("document.activeElement.id") == "messages"
        page.goto("/pooling/")
        assert page.locator("#request-list .request").count() == 0
    finally:
        context.close()


CONTACT_PHONES = ["13900770031", "13900770032"]

CONTACT_SEED = _seed(
    CONTACT_PHONES,
    """
asker, planner = users
merchant = Merchant.objects.create(name="联系超市", name_en="Contact Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
tea = Product.objects.create(name_zh="龙井茶 500g", name_en="Longjing tea 500g")
services.profile_update(
    actor=planner, max_group_size=4, max_walk_m=1000, is_discoverable=True
)
services.cart_report(
    actor=planner, branch=branch, kind="intended", amount_fen=12800,
    items=[{"product_id": tea.public_id, "unit_price_fen": 12800, "quantity": 1}],
    window_start_at=now + timedelta(days=1),
    window_end_at=now + timedelta(days=1, hours=2),
)
before = (timezone.localdate() + timedelta(days=3)).isoformat()
print(json.dumps({"product": tea.public_id, "before": before}))
""",
)


# Sixty messages from before the two the journey sends.
EARLIER_MESSAGES = f"""
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.pooling.models import ContactMessage, ContactRequest

planner = User.objects.get(phone="+86{CONTACT_PHONES[1]}")
contact = ContactRequest.objects.get(recipient=planner)
start = timezone.now() - timedelta(hours=2)
for number in range(60):
    message = ContactMessage.objects.create(
        contact=contact, author=planner, body=f"Earlier {{number}}: which day?"
    )
    ContactMessage.objects.filter(pk=message.pk).update(
        created_at=start + timedelta(seconds=number)
    )
"""


def test_a_shopper_asks_who_buys_the_same_and_they_chat(chromium, groupbuy_server):
    seeded = json.loads(
        groupbuy_server.run_python(CONTACT_SEED).strip().splitlines()[-1]
    )
    (asker_context, asker), (planner_context, planner) = (
        _phone(chromium, groupbuy_server) for _ in CONTACT_PHONES
    )
    try:
        _sign_in(asker, CONTACT_PHONES[0])
        _sign_in(planner, CONTACT_PHONES[1])
        # given a shopper who finds Longjing tea in the catalog and looks for
        # others buying it this week
        asker.goto("/pooling/buyers/")
        asker.fill("#product-search", "Longjing")
        asker.click("#product-search-submit")
        asker.wait_for_selector("#product-search-note")
        asker.select_option("#id_product", seeded["product"])
        asker.fill("#id_before", seeded["before"])
        asker.click("#buyers-search")
        # the click only starts the navigation: count the rows of the new page
        asker.wait_for_url(re.compile(r"/pooling/buyers/\?product="))
        asker.wait_for_selector("#buyers-found")
        found = asker.locator("#buyers-found .buyer")
        assert found.count() == 1
        # named by their place in the list, with no part of their number
        assert found.first.inner_text().startswith("Shopper 1 · ")
        assert CONTACT_PHONES[1][-4:] not in found.first.inner_text()
        # when they ask to connect, their request waits, the number still hidden
        found.first.locator("button").click()
        asker.locator("#contacts .contact a").first.click()
        asker.wait_for_selector("#contact-waiting")
        assert asker.inner_text("#contact-phone") == "number hidden"

        # and the other shopper accepts from the notification's page
        planner.goto("/inbox/")
        planner.click("text=also plans to buy")
        planner.click("#contact-accept")
        planner.wait_for_selector("#contact-chat")

        # then the asker's page opens the chat by itself, with the full number
        asker.wait_for_selector("#contact-chat", timeout=20_000)
        assert asker.inner_text("#contact-phone") == "+86" + CONTACT_PHONES[1]
        # and messages travel both ways live
        asker.fill("#chat-body", "Shall we buy it together on Saturday?")
        asker.click("#chat-send")
        planner.wait_for_selector(
            "#chat-messages li:has-text('together on Saturday')", timeout=15_000
        )
        planner.fill("#chat-body", "Yes, at ten")
        planner.click("#chat-send")
        asker.wait_for_selector("#chat-messages li:has-text('Yes, at ten')")

        # and a long chat opens on its last messages, the earlier ones a click away
        groupbuy_server.run_python(EARLIER_MESSAGES)
        asker.reload()
        messages = asker.locator("#chat-messages li")
        asker.wait_for_selector("#chat-earlier")
        assert messages.count() == 50
        assert "Yes, at ten" in messages.last.inner_text()
        # (offline, the tap says the earlier ones could not be loaded)
        asker.context.set_offline(True)
        asker.click("#chat-earlier")
        asker.wait_for_selector("#chat-error:has-text('Could not load earlier')")
        asker.context.set_offline(False)
        # (on a slow line a second tap, while the first is on its way, adds
        # nothing: until 2026-12-06 it showed the earlier messages twice)
        held = []
        asker.route(re.compile(r"[?&]before="), lambda route: held.append(route))
        asker.click("#chat-earlier")
        asker.click("#chat-earlier")
        for _ in range(100):
            if held:
                break
            asker.wait_for_timeout(50)
        asker.wait_for_timeout(500)
        for route in held:
            route.continue_()
        asker.wait_for_selector("#chat-messages li:has-text('Earlier 0:')")
        asker.wait_for_timeout(500)
        assert messages.count() == 62  # all of them, in order, once
        assert "Earlier 0:" in messages.first.inner_text()
        assert asker.locator("#chat-earlier").count() == 0
        assert "before=" not in asker.url  # loaded in place, not a new page
        assert "Earlier 1:" in messages.nth(1).inner_text()
    finally:
        asker_context.close()
        planner_context.close()


ITEM_PHONES = ["13900770041", "13900770042"]

ITEM_SEED = _seed(
    ITEM_PHONES,
    """
merchant = Merchant.objects.create(name="第二件半价超市", name_en="Half Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
oil = Product.objects.create(name_zh="花生油 5L", name_en="Peanut oil 5L")
promotion = services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Second bottle half price",
    kind="second_item", second_item_percent=50,
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
print(json.dumps({
    "branch": branch.public_id, "promotion": promotion.public_id,
    "product": oil.public_id,
}))
""",
)


def test_two_shoppers_pool_a_second_item_half_price(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(ITEM_SEED).strip().splitlines()[-1])
    phones = [_phone(chromium, groupbuy_server) for _ in ITEM_PHONES]
    try:
        pages = [page for _context, page in phones]
        # given two shoppers who each want one ¥89.90 bottle of the same oil
        for page, phone in zip(pages, ITEM_PHONES, strict=True):
            _sign_in(page, phone)
            page.goto(f"/pooling/branches/{seeded['branch']}/")
            assert page.locator(".pools-items").count() == 1
            # (an item promotion asks for the price, not the cart's amount)
            page.locator("#field-amount").wait_for(state="hidden")
            assert page.locator("#id_amount").is_disabled()
            page.select_option("#id_promotion", seeded["promotion"])
            page.select_option("#id_product", seeded["product"])
            page.fill("#id_unit_price", "89.90")
            page.click("#pool-request-submit")
            # (each lands on their request's own page, looking for a pool; the
            # last to ask completes a pool, and the matching job may suggest
            # it before that page is read)
            page.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))
            state = page.get_attribute("#request-summary", "data-state")
            assert state in (
                ("open", "suggested") if phone == ITEM_PHONES[-1] else ("open",)
            )
        # when each opens the suggestion: together the second bottle is half
        # price, ¥44.95 saved, split evenly
        for page in pages:
            _wait_for_suggestion(page)
            page.click(".pool-link")
            page.wait_for_selector("#pool-members")
            assert "priced at the till as one basket" in page.inner_text(
                "#pool-summary"
            )
            assert re.search(r"¥22\.4[78]", page.inner_text("#my-share"))
        # and both accept, the chat opens for both
        for page in pages:
            page.click("#pool-accept")
            page.wait_for_selector("#pool-state")
        for page in pages:
            page.wait_for_selector("#pool-chat", timeout=20_000)
    finally:
        for context, _page in phones:
            context.close()


INVITE_PHONES = ["13900770051", "13900770052"]

INVITE_SEED = _seed(
    INVITE_PHONES,
    """
regular = users[0]
merchant = Merchant.objects.create(name="常客超市", name_en="Regulars Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
services.cart_report(
    actor=regular, branch=branch, kind="purchase", amount_fen=15000,
    window_start_at=now - timedelta(days=7),
    window_end_at=now - timedelta(days=7) + timedelta(hours=1),
)
services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Spend 300 save 50",
    kind="threshold", tiers=[(30000, 5000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
print(json.dumps({"branch": branch.public_id}))
""",
)


def test_a_regular_who_agreed_is_invited_when_someone_asks_to_pool(
    chromium, groupbuy_server
):
    seeded = json.loads(
        groupbuy_server.run_python(INVITE_SEED).strip().splitlines()[-1]
    )
    (regular_context, regular), (asker_context, asker) = (
        _phone(chromium, groupbuy_server) for _ in INVITE_PHONES
    )
    try:
        # given a shopper who reported a purchase at the shop last week and
        # agrees to be invited to pools at shops they use
        _sign_in(regular, INVITE_PHONES[0])
        regular.goto("/pooling/profile/")
        regular.check("#id_is_invitable")
        regular.click("#pooling-profile-save")
        regular.wait_for_selector("#id_is_invitable:checked")
        # when another shopper asks to pool there and nobody else is waiting
        _sign_in(asker, INVITE_PHONES[1])
        asker.goto(f"/pooling/branches/{seeded['branch']}/")
        asker.fill("#id_amount", "180")
        asker.click("#pool-request-submit")
        asker.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))
        # then the regular finds the invitation in the inbox, and it opens the shop
        until = time.monotonic() + 30
        while True:
            regular.goto("/inbox/")
            if regular.locator("text=A pool is forming at").count():
                break
            assert time.monotonic() < until, "no invitation arrived"
            time.sleep(1)
        regular.click("text=A pool is forming at")
        regular.wait_for_url(re.compile(rf"/pooling/branches/{seeded['branch']}/$"))
        assert regular.locator("#pool-request-form").count() == 1
    finally:
        regular_context.close()
        asker_context.close()


CART_PHONE = "13900770061"

CART_SEED = _seed(
    [CART_PHONE],
    """
merchant = Merchant.objects.create(name="报告超市", name_en="Report Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
print(json.dumps({"branch": branch.public_id}))
""",
)


def test_a_shopper_reports_a_purchase_deletes_it_and_plans_one(
    chromium, groupbuy_server
):
    seeded = json.loads(groupbuy_server.run_python(CART_SEED).strip().splitlines()[-1])
    context, page = _phone(chromium, groupbuy_server)
    try:
        _sign_in(page, CART_PHONE)
        # given the carts page, reached from the pools page
        page.click("#pooling-carts-link")
        page.wait_for_selector("#no-carts")
        # when a purchase of ¥86 at the shop just now is reported
        page.select_option("#id_branch", seeded["branch"])
        page.fill("#id_amount", "86")
        page.click("#cart-report-submit")
        # then it is listed and counted in the shopping profile
        page.wait_for_selector("#cart-list .cart:has-text('¥86.00')")
        page.goto("/pooling/profile/")
        assert "1 cart reported" in page.inner_text("#shopping-profile")
        # and deleting it removes it
        page.click("#profile-carts-link")
        page.click("#cart-list .cart-delete")
        page.wait_for_selector("#no-carts")
        # and a planned purchase starts from now on, not in the hour just past
        bought_until = page.input_value("#id_window_end_at")
        page.check("input[name='kind'][value='intended']")
        assert page.input_value("#id_window_start_at") >= bought_until
        page.select_option("#id_branch", seeded["branch"])
        page.fill("#id_amount", "40")
        page.click("#cart-report-submit")
        page.wait_for_selector("#cart-list .cart[data-kind='intended']")
    finally:
        context.close()


MERCHANT_PHONE = "13900770071"

MERCHANT_SEED = _seed(
    [MERCHANT_PHONE],
    """
from groupbuy.accounts.services import merchant_membership_add

merchant = Merchant.objects.create(name="促销超市", name_en="Promo Mart")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
merchant_membership_add(actor=None, user=users[0], merchant=merchant, role="owner")
print(json.dumps({"merchant": merchant.public_id}))
""",
)


def test_a_merchant_publishes_a_promotion_sees_what_pooling_did_and_ends_it(
    chromium, groupbuy_server
):
    seeded = json.loads(
        groupbuy_server.run_python(MERCHANT_SEED).strip().splitlines()[-1]
    )
    context, page = _phone(chromium, groupbuy_server)
    try:
        _sign_in(page, MERCHANT_PHONE)
        page.goto(f"/pooling/merchant/{seeded['merchant']}/promotions/")
        # when the owner publishes "spend 300 save 50" for a week
        page.fill("#id_title", "Spend 300 save 50")
        # (each kind shows only its own rule's fields)
        page.select_option("#id_kind", "n_for_m")
        page.locator("#field-tiers").wait_for(state="hidden")
        assert page.locator("#field-buy_n").is_visible()
        page.select_option("#id_kind", "threshold")
        page.locator("#field-buy_n").wait_for(state="hidden")
        page.fill("#id_tiers", "300-50")
        page.fill("#id_days", "7")
        page.click("#promotion-submit")
        # then it is listed with its figures, and the last 30 days are charted
        row = page.locator("#promotion-list .promotion", has_text="Spend 300 save 50")
        row.wait_for()
        assert row.locator("td.num").all_inner_texts() == ["0", "0", "0", "¥0.00"]
        charts = page.locator("#promotion-charts .chart canvas")
        assert charts.count() == 2
        charts.first.wait_for(state="visible")
        # and when they end it early, after saying so twice, it offers no end
        row.locator(".promotion-end summary").click()
        row.locator(".promotion-end-confirm").click()
        page.wait_for_selector("text=Promotion ended")
        row = page.locator("#promotion-list .promotion", has_text="Spend 300 save 50")
        assert row.locator(".promotion-end").count() == 0
    finally:
        context.close()
