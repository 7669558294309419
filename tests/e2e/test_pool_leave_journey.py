"""A member leaves a confirmed pool of three (until 2026-12-06 nobody could):
the others' open pages hear it at once, in the chat and the member list, the
pool carrying on because they still reach its tier; the leaver's page says they
left, and a chat of theirs open in another tab stops and says why.

Three shoppers, each in a Chromium context of their own, against `groupbuy serve`.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-leave-pass"
PHONES = ["13900775501", "13900775502", "13900775503"]

# ¥160 + ¥150 + ¥50 at 满300减50, pooled as given (not as the engine would pool
# them: it would leave the ¥50 out) and confirmed, with one message in its chat.
# Without the third the two others still reach ¥300: the pool carries on.
SEED = """
import json
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.pooling import services
from groupbuy.pooling.matching.types import make_group
from groupbuy.pooling.services import pools

users = []
for phone in {phones!r}:
    User.objects.filter(phone="+86" + phone).delete()
    users.append(User.objects.create_user(
        phone="+86" + phone, password="{password}", preferred_language="en"
    ))
now = timezone.now()
merchant = Merchant.objects.create(name="离开超市", name_en="Leave Mart {phones[0]}")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
promotion = services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Spend 300 save 50",
    kind="threshold", tiers=[(30000, 5000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
requests = []
# One transaction: the worker's matching, asked for as each request is made,
# sees them only once this pool holds them.
with transaction.atomic():
    for user, amount in zip(users, (16000, 15000, 5000)):
        requests.append(services.pool_request_create(
            actor=user, promotion=promotion, branch=branch, amount_fen=amount,
            items=None, deadline_at=now + timedelta(hours=1), max_group_size=3,
        ))
    component = pools._Component(promotion)
    carts = [component.cart(r) for r in requests]
    group = make_group(promotion.rules().tiers, carts)
    pool = pools._pool_create(
        promotion=promotion, members=requests, group=group,
        shares_fen=component.shares(group, requests), now=now,
    )
for user in users:
    pool = services.pool_answer(actor=user, pool=pool, accept=True)
services.chat_post(actor=users[0], pool=pool, body="Meet at till 3")
print(json.dumps({{"pool": pool.public_id}}))
"""


def _phone(chromium, groupbuy_server):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def test_a_member_leaves_and_the_others_see_it_live(chromium, groupbuy_server):
    code = SEED.format(phones=PHONES, password=PASSWORD)
    pool_id = json.loads(groupbuy_server.run_python(code).strip().splitlines()[-1])[
        "pool"
    ]
    pool_path = f"/pooling/pools/{pool_id}/"
    phones = [_phone(chromium, groupbuy_server) for _ in PHONES]
    (_a_context, first), (_b_context, second), (leaver_context, leaver) = phones
    try:
        # given the three members with the pool's chat open and listening, and
        # the leaver's chat open in a second tab too
        for page, phone in zip((first, second, leaver), PHONES, strict=True):
            sign_in(page, phone, PASSWORD, then=pool_path)
            page.wait_for_selector("#chat-messages li:has-text('Meet at till 3')")
        other_tab = leaver_context.new_page()
        other_tab.goto(pool_path)
        other_tab.wait_for_selector("#chat-messages li:has-text('Meet at till 3')")
        # when the third opens "Leave the pool…", reads what follows, confirms
        leaver.click("#pool-leave")
        leaver.locator(
            ".pool-leave", has_text="If the others still reach the saving"
        ).wait_for()
        leaver.click("#pool-leave-confirm")
        # then their page says they left, with no chat and no share
        leaver.locator(
            "#pool-left", has_text="You left this pool: you no longer take part"
        ).wait_for()
        assert leaver.locator("#chat-form").count() == 0
        assert leaver.locator("#my-share").count() == 0
        # their chat in the other tab stops and says why: its socket is closed
        # (4403) and it says they no longer take part, or, when the pool's news
        # that a member left reaches that tab first, it reloads to the page of
        # one who left. Which comes first is the server's order of two sends.
        other_tab.locator(
            "#pool-left, #chat-error:has-text('You no longer take part here')"
        ).first.wait_for()
        if other_tab.locator("#pool-left").count() == 0:
            assert other_tab.locator("#chat-send").is_disabled()
        else:
            assert other_tab.locator("#chat-form").count() == 0
        # the others hear it live: said in the chat, the third listed as having
        # left, and the ¥50 now shared between the two (¥25.81 and ¥24.19)
        for page, share in ((first, "¥25.81"), (second, "¥24.19")):
            page.locator(
                "#chat-messages li.chat-notice", has_text="Shopper C left the pool."
            ).wait_for()
            page.locator(
                "#pool-members li[data-answer='left']", has_text="Left the pool"
            ).wait_for()
            page.locator("#my-share", has_text=share).wait_for()
            assert page.locator("#pool-state").inner_text() == "Confirmed"
        # and their chat goes on
        first.fill("#chat-body", "Still on for six")
        first.click("#chat-send")
        second.wait_for_selector(
            "#chat-messages li[data-id]:has-text('Still on for six')"
        )
    finally:
        for context, _page in phones:
            context.close()
