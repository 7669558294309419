"""A merchant's journey in a real browser against `groupbuy serve`.

The owner signs in, creates a group buy in the console, opens it, sees the
orders two shoppers paid for, and refunds one of them; the other stays paid.
"""

from __future__ import annotations

import json
import re
from string import Template

import pytest

pytestmark = [pytest.mark.browser]

OWNER_PHONE = "13900770001"
OWNER_PASSWORD = "merchant-journey-pass"

SEED_MERCHANT = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog import services as catalog
from groupbuy.catalog.gtin import gtin_check_digit
from groupbuy.catalog.models import Branch, Merchant, Product

owner = User.objects.filter(phone="+86$phone").first()
if owner is None:
    owner = User.objects.create_user(
        phone="+86$phone", password="$password", preferred_language="en"
    )
merchant = Merchant.objects.create(name="旅程超市", name_en="Journey Mart")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
body = "200000077001"
gtin = body + str(gtin_check_digit(body))
product, _ = Product.objects.get_or_create(
    gtin=gtin, defaults={"name_zh": "龙井茶", "name_en": "Longjing tea"}
)
catalog.listing_create(actor=owner, merchant=merchant, product=product, price_fen=3900)
print(json.dumps({"merchant": merchant.public_id, "product": product.public_id}))
""").substitute(phone=OWNER_PHONE, password=OWNER_PASSWORD)

SEED_PAID_ORDERS = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import pay

deal = Deal.objects.get(public_id="$deal")
orders = []
for index, quantity in enumerate((2, 1)):
    shopper, _ = User.objects.get_or_create(phone=f"+861390077010{index}")
    order = deal_join(actor=shopper, deal=deal, quantity=quantity)
    pay(order)
    orders.append(order.public_id)
print(json.dumps(orders))
""")

ORDER_STATUSES = Template("""
import json
from groupbuy.deals.models import DealOrder
print(json.dumps({
    order.public_id: [order.status, order.refunded_fen]
    for order in DealOrder.objects.filter(deal__public_id="$deal")
}))
""")


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def test_owner_creates_opens_sees_orders_and_refunds_one(page, groupbuy_server):
    # given a merchant whose owner lists a product
    seeded = _last_json(groupbuy_server.run_python(SEED_MERCHANT))
    merchant_id = seeded["merchant"]

    # when the owner signs in, the console opens on their merchant
    page.goto("/login/?next=/merchant/")
    page.fill("input[name=phone]", OWNER_PHONE)
    page.fill("input[name=password]", OWNER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(rf"/merchant/{merchant_id}/$"))
    # the console names the shop in its owner's language (English here)
    assert page.inner_text("#merchant-name").strip() == "Journey Mart"

    # and creates a group buy from the console's menu
    page.click("#merchant-nav-deals")
    page.click("#merchant-new-deal")
    page.select_option("#id_product", seeded["product"])
    page.fill("#id_title", "Longjing tea, neighbourhood price")
    page.fill("#id_list_price_fen", "39.00")
    page.fill("#id_stock", "20")
    page.fill("#id_tier_1_buyers", "2")
    page.fill("#id_tier_1_price", "29.00")
    page.click("#deal-submit")
    page.wait_for_url(
        re.compile(rf"/merchant/{merchant_id}/deals/deal_[^/]+/\?step=created$")
    )
    assert page.inner_text("#merchant-deal-state").strip() == "Draft"
    # the page says what comes next: its tiers and stock, then opening it
    assert page.is_visible("#merchant-deal-next-edit")
    deal_id = page.url.split("?")[0].rstrip("/").rsplit("/", 1)[1]

    # and opens it
    page.click("#merchant-deal-open")
    page.wait_for_selector("#merchant-deal-public")
    assert page.inner_text("#merchant-deal-state").strip() == "Open"
    # and is offered the link to share
    share = page.input_value("#merchant-deal-share-link")
    assert share.endswith(f"/deals/{deal_id}/")

    # then the orders two shoppers paid for show on the deal's page
    refunded_id, kept_id = _last_json(
        groupbuy_server.run_python(SEED_PAID_ORDERS.substitute(deal=deal_id))
    )
    page.reload()
    for order_id in (refunded_id, kept_id):
        assert "Paid" in page.inner_text(f"#merchant-order-{order_id}")
    assert page.inner_text("#merchant-deal-participants").strip() == "2"

    # when the owner refunds the first (a disclosure, then the confirmation)
    page.click(f"#merchant-order-refund-{refunded_id} summary")
    page.fill(f"#refund-reason-{refunded_id}", "Ran out of this tea")
    page.click(f"#merchant-order-refund-confirm-{refunded_id}")

    # then the page says so and the order shows refunded, the other still paid
    page.wait_for_selector("#messages")
    assert f"Order {refunded_id} was refunded: ¥58.00." in page.inner_text("#messages")
    assert "Refunded" in page.inner_text(f"#merchant-order-{refunded_id}")
    assert "Ran out of this tea" in page.inner_text(f"#merchant-order-{refunded_id}")
    assert "Paid" in page.inner_text(f"#merchant-order-{kept_id}")
    assert page.locator(f"#merchant-order-refund-{refunded_id}").count() == 0
    statuses = _last_json(
        groupbuy_server.run_python(ORDER_STATUSES.substitute(deal=deal_id))
    )
    assert statuses == {refunded_id: ["refunded", 5800], kept_id: ["paid", 0]}


PROFILE_OWNER_PHONE = "13900771201"

SEED_PROFILE_MERCHANT = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch, Merchant

owner = User.objects.create_user(
    phone="+86$phone", password="$password", preferred_language="en"
)
merchant = Merchant.objects.create(name="旧名小店", name_en="")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
print(json.dumps({"merchant": merchant.public_id}))
""").substitute(phone=PROFILE_OWNER_PHONE, password=OWNER_PASSWORD)


def test_owner_renames_the_shop_from_staff_and_branches(page, groupbuy_server):
    # given a shop whose owner signs in on a phone
    seeded = _last_json(groupbuy_server.run_python(SEED_PROFILE_MERCHANT))
    merchant_id = seeded["merchant"]
    page.goto("/login/?next=/merchant/")
    page.fill("input[name=phone]", PROFILE_OWNER_PHONE)
    page.fill("input[name=password]", OWNER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(rf"/merchant/{merchant_id}/$"))

    # when they open Staff and branches and edit the shop's details
    page.click("#merchant-nav-staff")
    assert "旧名小店" in page.inner_text("#merchant-profile")
    page.click("#merchant-profile-edit")
    page.fill("#id_name", "新名小店")
    page.fill("#id_name_en", "New Name Shop")
    page.click("#merchant-profile-submit")

    # then the page says so and the console reads the new name
    page.wait_for_selector("#messages")
    assert "The shop's details are saved." in page.inner_text("#messages")
    assert "新名小店 · New Name Shop" in page.inner_text("#merchant-profile")
    # (the heading names the shop in the reader's language: English here)
    assert page.inner_text("#merchant-name").strip() == "New Name Shop"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
