"""Who is buying it?, on two phones: a contact request reaches the page open.

A shopper who agreed to be found and plans to buy tea waits on the page; when
another asks to connect, the request (with Accept and Decline) shows in their
Contact requests without a reload, as the bell's count already did.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pool-contact-live-pass"
PHONES = ["13900774421", "13900774422"]

SEED = f"""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.pooling import services

users = []
for phone in {PHONES!r}:
    User.objects.filter(phone="+86" + phone).delete()
    users.append(User.objects.create_user(
        phone="+86" + phone, password="{PASSWORD}", preferred_language="en"
    ))
merchant = Merchant.objects.create(name="联系超市", name_en="Contact Mart")
branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
tea = Product.objects.create(name_zh="联系乌龙茶", name_en="Contact Oolong")
services.profile_update(
    actor=users[0], max_group_size=4, max_walk_m=500, is_discoverable=True
)
now = timezone.now()
services.cart_report(
    actor=users[0], branch=branch, kind="intended", amount_fen=3_000,
    items=[{{"product_id": tea.public_id, "unit_price_fen": 3_000, "quantity": 1}}],
    window_start_at=now + timedelta(hours=1), window_end_at=now + timedelta(hours=3),
)
print(json.dumps({{"tea": tea.public_id}}))
"""


def _phone(chromium, groupbuy_server, phone: str):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, "+86" + phone, PASSWORD, then="/pooling/buyers/")
    return context, page


def test_a_contact_request_shows_on_the_open_buyers_page(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    planner, planner_page = _phone(chromium, groupbuy_server, PHONES[0])
    asker, asker_page = _phone(chromium, groupbuy_server, PHONES[1])
    try:
        # given the planner on Who is buying it?, with no contact request, and
        # a product chosen in its search (which must stay chosen)
        assert planner_page.locator("#contacts .contact").count() == 0
        planner_page.select_option("#id_product", seeded["tea"])
        # when the other shopper finds them and asks to connect
        before = (timezone.now() + timedelta(days=2)).date().isoformat()
        asker_page.goto(f"/pooling/buyers/?product={seeded['tea']}&before={before}")
        asker_page.click("#buyers-found .buyer button[type=submit]")
        asker_page.wait_for_selector("#contacts .contact")
        # then the request shows on the planner's open page, to answer there
        planner_page.locator("#contacts .contact button[value=accept]").wait_for(
            timeout=30_000
        )
        assert planner_page.input_value("#id_product") == seeded["tea"]
    finally:
        planner.close()
        asker.close()
