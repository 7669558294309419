"""A confirmed pool's open page says at once that the shop ended its promotion
(until 2026-12-06 only after a reload), keeping a message being typed; and a
pool dissolved drops the chat messages its member's browser kept waiting for it
(until 2026-12-06 they stayed in localStorage for good).

Two shoppers of a confirmed pool, each in a Chromium context of their own,
against `groupbuy serve`.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-ended-pass"
ENDED_PHONES = ["13900776101", "13900776102"]
OWNER_PHONE = "13900776105"
DISSOLVED_PHONES = ["13900776103", "13900776104"]

# Two shoppers whose carts make a pool at one shop, both accepted: its chat is
# open. The matching runs here rather than waiting for the server's worker.
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
merchant = Merchant.objects.create(name="结束超市", name_en="Ended Mart {phones[0]}")
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
print(json.dumps({{"pool": pool.public_id}}))
"""

# The shop's owner, with an API token: the promotion is ended by the server
# (whose sockets hear it), not by this seeding process.
OWNER = """
import json
from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.pooling.models import Pool
pool = Pool.objects.get(public_id={pool!r})
User.objects.filter(phone="+86" + {phone!r}).delete()
owner = User.objects.create_user(phone="+86" + {phone!r}, password="{password}")
merchant_membership_add(
    actor=None, user=owner, merchant=pool.promotion.merchant, role="owner"
)
_token, secret = api_token_create(actor=owner)
print(json.dumps({{"promotion": pool.promotion.public_id, "secret": secret}}))
"""

LEAVE = """
from groupbuy.accounts.models import User
from groupbuy.pooling import services
from groupbuy.pooling.models import Pool
services.pool_leave(
    actor=User.objects.get(phone="+86" + {phone!r}),
    pool=Pool.objects.get(public_id={pool!r}),
)
"""


def _seed_pool(server, phones: list[str]) -> str:
    code = SEED.format(phones=phones, password=PASSWORD)
    return json.loads(server.run_python(code).strip().splitlines()[-1])["pool"]


def _shopper_page(chromium, groupbuy_server, phone: str, pool_id: str):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, phone, PASSWORD, then=f"/pooling/pools/{pool_id}/")
    page.wait_for_selector("#chat-form")
    # the page's sockets have joined: notify's live.js fills the inbox badge's
    # count once the personal one did (the pool's opens with it)
    page.wait_for_selector("#inbox-badge[data-count]", state="attached")
    return context, page


def _end_promotion(server, pool_id: str) -> None:
    code = OWNER.format(pool=pool_id, phone=OWNER_PHONE, password=PASSWORD)
    owner = json.loads(server.run_python(code).strip().splitlines()[-1])
    request = urllib.request.Request(
        f"{server.url}/api/pooling/promotions/{owner['promotion']}/end",
        method="POST",
        headers={"Authorization": f"Bearer {owner['secret']}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_the_shop_ending_the_promotion_shows_on_the_open_pool_page(
    chromium, groupbuy_server
):
    pool_id = _seed_pool(groupbuy_server, ENDED_PHONES)
    context, page = _shopper_page(chromium, groupbuy_server, ENDED_PHONES[0], pool_id)
    try:
        # given the member typing a message, the promotion still running
        assert page.locator("#pool-promotion-ended").count() == 0
        page.fill("#chat-body", "on my way")
        # when the shop's owner ends the promotion
        _end_promotion(groupbuy_server, pool_id)
        # then the page says so without a reload, the message being typed kept
        page.locator(
            "#pool-promotion-ended",
            has_text="the till gives its saving only to baskets paid before then",
        ).wait_for()
        assert page.input_value("#chat-body") == "on my way"
    finally:
        context.close()


def test_a_dissolved_pools_waiting_messages_are_dropped(chromium, groupbuy_server):
    pool_id = _seed_pool(groupbuy_server, DISSOLVED_PHONES)
    context, page = _shopper_page(
        chromium, groupbuy_server, DISSOLVED_PHONES[0], pool_id
    )
    room = f"/api/pooling/pools/{pool_id}/messages"
    try:
        # given a message kept waiting for this pool's chat, one for another chat
        page.evaluate(
            """([room]) => localStorage.setItem("pooling.chat-outbox", JSON.stringify([
                {room, body: "see you there", client_key: "kept-1"},
                {room: "/api/pooling/contacts/elsewhere/messages", body: "hi",
                 client_key: "kept-2"},
            ]))""",
            [room],
        )
        # when the other member leaves, and the pool of two is dissolved
        groupbuy_server.run_python(
            LEAVE.format(phone=DISSOLVED_PHONES[1], pool=pool_id)
        )
        # then the pool's page, opened again, shows it dissolved and keeps
        # nothing for its chat, the other chat's message still kept
        page.goto(f"/pooling/pools/{pool_id}/")
        page.locator("#pool-dissolved").wait_for()
        page.wait_for_function(
            """([room]) => {
                const kept = JSON.parse(localStorage.getItem("pooling.chat-outbox"));
                return kept.length === 1 && kept[0].room !== room;
            }""",
            arg=[room],
        )
    finally:
        context.close()
