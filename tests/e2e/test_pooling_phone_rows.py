"""The pooling pages' rows of words and a button, on a small phone in Chinese.

A row (a pool request and its Withdraw, a reported cart and its Delete) puts
its words and its button side by side. Chinese words break between any two
characters, so a long line of them squeezed the button to one character a
line ("删" above "除"); the row wraps instead and the button keeps its words
on one line.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "pooling-rows-pass"
PHONE = "13900774411"
LINE_PX = 30  # a button's words on one line are under this tall

SEED = f"""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.pooling import services

User.objects.filter(phone="+86{PHONE}").delete()
User.objects.create_user(
    phone="+86{PHONE}", password="{PASSWORD}", preferred_language="zh-hans"
)
now = timezone.now()
merchant = Merchant.objects.create(name="一家名字相当长的社区生鲜超市")
branch = Branch.objects.create(
    merchant=merchant, name="人民广场地铁站旗舰店", address="1 Road"
)
services.promotion_publish(
    actor=None, merchant=merchant, branch=branch, title="满300减40 / 满500减80",
    kind="threshold", tiers=[(30000, 4000), (50000, 8000)],
    starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
)
print(json.dumps({{"branch": branch.public_id}}))
"""


def _words_on_one_line(page, selector: str) -> None:
    button = page.locator(selector).first
    button.wait_for()
    text_height = button.evaluate(
        "b => { const r = document.createRange(); r.selectNodeContents(b);"
        " return r.getBoundingClientRect().height; }"
    )
    assert text_height < LINE_PX, (selector, text_height)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_row_button_keeps_its_words_on_one_line(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 320, "height": 700},
        locale="zh-CN",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    try:
        # given a shopper who asked to pool at a shop with a long name
        sign_in(page, "+86" + PHONE, PASSWORD, then="/pooling/")
        page.goto(f"/pooling/branches/{seeded['branch']}/")
        page.fill("#id_amount", "123.45")
        page.click("#pool-request-submit")
        page.wait_for_url(re.compile(r"/pooling/requests/preq_\w+/$"))
        # when they read their requests, then their reported carts
        page.goto("/pooling/")
        # then Withdraw, and Delete, read on one line each
        _words_on_one_line(page, ".request-withdraw")
        page.goto("/pooling/carts/")
        _words_on_one_line(page, ".cart-delete")
    finally:
        context.close()
