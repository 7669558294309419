"""An operator switches a misbehaving shop off, in a real browser against
`groupbuy serve`: found by name in Look up, switched off with a reason, and
its open group buy then tells a shopper it takes no new joins."""

from __future__ import annotations

import json
import re
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]

# 1390077300x: no other browser test uses these numbers.
OPERATOR_PHONE = "13900773001"
OWNER_PHONE = "13900773002"
SHOPPER_PHONE = "13900773003"
PASSWORD = "switch-journey-pass"
SHOP_NAME = "Switch Journey Mart"

SEED = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.deals.tests.factories import make_deal, make_merchant

def person(phone, **extra):
    return User.objects.create_user(
        phone=phone, password="$password", preferred_language="en", **extra
    )

person("+86$operator", is_staff=True)
person("+86$shopper")
merchant = make_merchant(name="$shop", owner=person("+86$owner"))
deal = make_deal(merchant=merchant, title="Switch journey tea")
print(json.dumps({"deal": deal.public_id, "merchant": merchant.public_id}))
""").substitute(
    operator=OPERATOR_PHONE,
    owner=OWNER_PHONE,
    shopper=SHOPPER_PHONE,
    password=PASSWORD,
    shop=SHOP_NAME,
)

OWNER_TOLD = Template("""
from groupbuy.notify.models import Notification

told = Notification.objects.get(
    kind="ops.merchant.switched_off", recipient__phone="+86$owner"
)
print(told.text_in("en")[1])
""").substitute(owner=OWNER_PHONE)


def test_switch_a_shop_off_and_its_deal_takes_no_joins(chromium, page, groupbuy_server):
    # given a shop with an open group buy
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])

    # when the operator finds it by name in Look up and opens its page
    sign_in(page, OPERATOR_PHONE, PASSWORD, then="/operator/")
    page.fill("#operator-lookup-q", SHOP_NAME)
    page.press("#operator-lookup-q", "Enter")
    page.click(f"#lookup-shop-{seeded['merchant']}")
    page.wait_for_url(re.compile(rf"/operator/shops/{seeded['merchant']}/$"))
    assert "1 group buy of this shop is open" in page.inner_text(
        "#operator-shop-open-deals"
    )
    # and switches it off without a reason first, then with one
    page.click("#merchant-switch-off")
    page.wait_for_selector("#id_reason[aria-invalid=true]")
    page.fill("#id_reason", "Selling fake tea")
    page.click("#merchant-switch-off")

    # then the page says what it did, and how to undo it
    page.wait_for_selector("#messages")
    assert f"{SHOP_NAME} is switched off" in page.inner_text("#messages")
    assert "“Selling fake tea”" in page.inner_text("#operator-shop-status")
    assert page.locator("#merchant-switch-on").is_visible()
    # and the owner is told why
    told = groupbuy_server.run_python(OWNER_TOLD).strip().splitlines()[-1]
    assert "“Selling fake tea”" in told

    # and a shopper opening its group buy reads why it takes no joins
    shopper_context = chromium.new_context(base_url=groupbuy_server.url, locale="en-US")
    shopper_context.set_default_timeout(STEP_TIMEOUT_MS)
    shopper = shopper_context.new_page()
    sign_in(shopper, SHOPPER_PHONE, PASSWORD, then=f"/deals/{seeded['deal']}/")
    assert shopper.locator("#join-form").count() == 0
    assert f"{SHOP_NAME} has been switched off by the platform" in shopper.inner_text(
        "#join-closed"
    )
    shopper_context.close()
