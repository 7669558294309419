"""A pool request's own page while the pool is being found, on two phones.

Asking to pool lands the shopper on the request's page ("We keep looking"),
and the matching job runs right after, so the suggestion usually comes while
that page is open. It must show there by itself: the suggestion has a time to
answer by, and a shopper left reading "We keep looking" would let it pass.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-request-live-pass"
PHONES = ["13900774401", "13900774402"]

SEED = f"""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.pooling import services

for phone in {PHONES!r}:
    User.objects.filter(phone="+86" + phone).delete()
    User.objects.create_user(
        phone="+86" + phone, password="{PASSWORD}", preferred_language="en"
    )
now = timezone.now()
merchant = Merchant.objects.create(name="请求超市", name_en="Request Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="Spend 300 save 40",
    kind="threshold", tiers=[(30000, 4000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
print(json.dumps({{"branch": branch.public_id}}))
"""


def _phone(chromium, groupbuy_server, phone: str):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, phone, PASSWORD, then="/pooling/")
    return context, page


def _ask_to_pool(page, branch: str, amount: str) -> None:
    page.goto(f"/pooling/branches/{branch}/")
    page.fill("#id_amount", amount)
    page.click("#pool-request-submit")
    page.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))


def test_a_suggestion_shows_on_the_open_request_page(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    first, first_page = _phone(chromium, groupbuy_server, PHONES[0])
    second, second_page = _phone(chromium, groupbuy_server, PHONES[1])
    try:
        # given the first shopper's request, alone at the shop, on its page
        _ask_to_pool(first_page, seeded["branch"], "200")
        assert first_page.get_attribute("#request-summary", "data-state") == "open"
        first_page.wait_for_selector("#request-looking")
        # when a second shopper asks at the same shop, their carts reaching ¥300
        _ask_to_pool(second_page, seeded["branch"], "150")
        # then the first one's open page offers to answer the suggestion, with
        # nobody reloading it
        first_page.locator("#request-pool-link").wait_for(timeout=30_000)
        assert first_page.get_attribute("#request-summary", "data-state") == (
            "suggested"
        )
        first_page.click("#request-pool-link")
        first_page.wait_for_selector("#pool-accept")
    finally:
        first.close()
        second.close()
