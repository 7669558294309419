"""A pool chat message written with no network goes out by itself once the
connection is back (until 2026-12-06 it stayed in the box, "Could not send.",
until the person sent it again), and is stored once; one waiting survives a
reload; a chat whose member signs out in another tab stops and says why (until
2026-12-06 it kept receiving).

Two shoppers of a confirmed pool, each in a Chromium context of their own,
against `groupbuy serve`.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-offline-pass"
PHONES = ["13900770091", "13900770092"]
SIGN_OUT_PHONES = ["13900770093", "13900770094"]

# Two shoppers whose carts make a pool at one shop, both accepted: its chat is
# open, with one message from the first. The matching runs here rather than
# waiting for the server's worker (should the worker have matched them first,
# this finds nothing more to match).
SEED = """
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.pooling import services
from groupbuy.pooling.models import Pool

users = []
for phone in {phones!r}:
    User.objects.filter(phone="+86" + phone).delete()
    users.append(User.objects.create_user(
        phone="+86" + phone, password="{password}", preferred_language="en"
    ))
now = timezone.now()
merchant = Merchant.objects.create(name="离线超市", name_en="Offline Mart {phones[0]}")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
promotion = services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Spend 300 save 50",
    kind="threshold", tiers=[(30000, 5000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
for user, amount in zip(users, (18000, 12000)):
    services.pool_request_create(
        actor=user, promotion=promotion, branch=branch, amount_fen=amount,
        items=None, deadline_at=now + timedelta(hours=1), max_group_size=2,
    )
services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
pool = Pool.objects.get(promotion=promotion)
for user in users:
    pool = services.pool_answer(actor=user, pool=pool, accept=True)
services.chat_post(actor=users[0], pool=pool, body="Hello from the first")
print(json.dumps({{"pool": pool.public_id}}))
"""


def _seed_pool(server, phones: list[str]) -> str:
    code = SEED.format(phones=phones, password=PASSWORD)
    return json.loads(server.run_python(code).strip().splitlines()[-1])["pool"]


def _phone(chromium, groupbuy_server):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def test_a_message_written_offline_is_sent_once_the_connection_is_back(
    chromium, groupbuy_server
):
    pool_path = f"/pooling/pools/{_seed_pool(groupbuy_server, PHONES)}/"
    (writer_context, writer), (reader_context, reader) = (
        _phone(chromium, groupbuy_server) for _ in PHONES
    )
    try:
        # given both members with the pool's chat open and listening
        for page, phone in ((writer, PHONES[0]), (reader, PHONES[1])):
            sign_in(page, phone, PASSWORD, then=pool_path)
            page.wait_for_selector("#chat-messages li:has-text('Hello from the first')")
        # when the writer's network goes and they send a message
        writer_context.set_offline(True)
        writer.fill("#chat-body", "Written in the tunnel")
        writer.click("#chat-send")
        # then it shows as waiting, and the box is free for the next one
        writer.wait_for_selector(
            "#chat-messages li.pending:has-text('Written in the tunnel')"
            ":has-text('Waiting for the network')"
        )
        assert writer.input_value("#chat-body") == ""
        # when the network is back
        writer_context.set_offline(False)
        # then it goes by itself: the writer sees it sent, the reader gets it
        writer.wait_for_selector(
            "#chat-messages li[data-id]:has-text('Written in the tunnel')"
        )
        writer.wait_for_function(
            "() => !document.querySelector('#chat-messages li.pending')"
        )
        reader.wait_for_selector(
            "#chat-messages li[data-id]:has-text('Written in the tunnel')"
        )
        # and it was stored once
        reader.reload()
        reader.wait_for_selector("#chat-messages li:has-text('Written in the tunnel')")
        sent = reader.locator("#chat-messages li:has-text('Written in the tunnel')")
        assert sent.count() == 1
        assert writer.locator("#chat-error:not([hidden])").count() == 0
    finally:
        writer_context.close()
        reader_context.close()


def test_a_chat_open_in_another_tab_stops_and_says_why_when_its_member_signs_out(
    chromium, groupbuy_server
):
    pool_path = f"/pooling/pools/{_seed_pool(groupbuy_server, SIGN_OUT_PHONES)}/"
    context, chat = _phone(chromium, groupbuy_server)
    try:
        # given a member with the pool's chat open in one tab
        sign_in(chat, SIGN_OUT_PHONES[0], PASSWORD, then=pool_path)
        chat.wait_for_selector("#chat-messages li:has-text('Hello from the first')")
        # when they sign out in another tab
        other = context.new_page()
        other.goto("/")
        other.click("#nav-logout")
        other.wait_for_selector("#nav-login")
        # then the chat's tab says they are signed out and takes no message
        chat.locator("#chat-error", has_text="You are signed out").wait_for()
        assert chat.locator("#chat-send").is_disabled()
        chat.locator("#live-closed", has_text="You are signed out").wait_for()
    finally:
        context.close()


RELOAD_PHONES = ["13900775511", "13900775512"]


def test_a_message_waiting_to_be_sent_survives_a_reload(chromium, groupbuy_server):
    # (until 2026-12-06 a reload lost it: it waited in the page only)
    pool_path = f"/pooling/pools/{_seed_pool(groupbuy_server, RELOAD_PHONES)}/"
    (writer_context, writer), (reader_context, reader) = (
        _phone(chromium, groupbuy_server) for _ in RELOAD_PHONES
    )
    try:
        # given both members with the pool's chat open
        for page, phone in ((writer, RELOAD_PHONES[0]), (reader, RELOAD_PHONES[1])):
            sign_in(page, phone, PASSWORD, then=pool_path)
            page.wait_for_selector("#chat-messages li:has-text('Hello from the first')")
        # when the writer's message cannot reach the server and they reload
        lost = "**/api/pooling/pools/*/messages"
        writer.route(lost, lambda route: route.abort())
        writer.fill("#chat-body", "Typed before the reload")
        writer.click("#chat-send")
        writer.wait_for_selector(
            "#chat-messages li.pending:has-text('Typed before the reload')"
            ":has-text('Waiting for the network')"
        )
        writer.unroute(lost)
        writer.reload()
        # then the page shows it again and sends it by itself; the reader gets it
        writer.wait_for_selector(
            "#chat-messages li[data-id]:has-text('Typed before the reload')"
        )
        writer.wait_for_function(
            "() => !document.querySelector('#chat-messages li.pending')"
        )
        reader.wait_for_selector(
            "#chat-messages li[data-id]:has-text('Typed before the reload')"
        )
        # and once: nothing is kept to send again
        assert writer.evaluate("localStorage.getItem('pooling.chat-outbox')") is None
        reader.reload()
        reader.wait_for_selector(
            "#chat-messages li:has-text('Typed before the reload')"
        )
        sent = reader.locator("#chat-messages li:has-text('Typed before the reload')")
        assert sent.count() == 1
    finally:
        writer_context.close()
        reader_context.close()
