"""An owner refunds some units of an order in a real browser against
`groupbuy serve`: from the deal's page to the refund page, the confirmation
saying what goes back to whom, then the refund; the shopper's order page
lists it. The page passes axe's serious and critical checks."""

from __future__ import annotations

import json
import re
from string import Template

import pytest
from playwright.sync_api import expect

from tests.e2e import sign_in
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser]

OWNER_PHONE = "13900770801"
SHOPPER_PHONE = "13900770802"
PASSWORD = "unit-refund-journey-pass"

SEED = Template("""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch, Listing, Merchant, Product
from groupbuy.deals.services import deal_create, deal_join, deal_open
from groupbuy.deals.tests.factories import pay

owner = User.objects.create_user(
    phone="+86$owner", password="$password", preferred_language="en"
)
shopper = User.objects.create_user(
    phone="+86$shopper", password="$password", preferred_language="en",
    display_name="Lan Wei",
)
merchant = Merchant.objects.create(name="退款超市", name_en="Refund Mart")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
product = Product.objects.create(name_zh="碧螺春", name_en="Biluochun tea")
Listing.objects.create(merchant=merchant, product=product, price_fen=12900)
now = timezone.now()
deal = deal_create(
    actor=None, merchant=merchant, product=product, title="Biluochun tea",
    list_price_fen=12900, tiers=[(1, 9900)], stock=20,
    starts_at=now - timedelta(hours=1), deadline_at=now + timedelta(days=2),
    max_quantity_per_order=5,
)
deal = deal_open(actor=None, deal=deal)
order = deal_join(actor=shopper, deal=deal, quantity=3)
pay(order)
print(json.dumps({
    "merchant": merchant.public_id, "deal": deal.public_id,
    "order": order.public_id,
}))
""").substitute(owner=OWNER_PHONE, shopper=SHOPPER_PHONE, password=PASSWORD)


def test_an_owner_refunds_two_units_and_the_shopper_sees_it(page, groupbuy_server):
    # given a paid order of 3 units, and its shop's owner on the deal's page
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    order_id = seeded["order"]
    sign_in(page, OWNER_PHONE, PASSWORD)
    page.goto(f"/merchant/{seeded['merchant']}/deals/{seeded['deal']}/")
    # when they follow "Refund some units…" and ask for 2
    page.click(f"#merchant-order-refund-units-{order_id}")
    page.wait_for_selector("#refund-units-form")
    assert axe_violations(page) == []
    page.fill("#id_units", "2")
    page.fill("#id_reason", "Out of the large tin")
    page.click("#refund-units-next")
    # then the page asks to confirm, saying what goes back to whom (by name,
    # as the deal's page names its buyers to the shop)
    expect(page.locator("#refund-units-confirm-text")).to_contain_text(
        "Refund 2 units to Lan Wei: ¥198.00 goes back to them"
    )
    assert axe_violations(page) == []
    # when they confirm
    page.click("#refund-units-confirm")
    # then the deal's page says so and shows the order with 1 unit left
    expect(page.locator("#messages")).to_contain_text(
        f"¥198.00 for 2 units of order {order_id} is refunded to the buyer."
    )
    row = page.locator(f"#merchant-order-{order_id}")
    expect(row.locator("td").nth(2)).to_have_text("1")
    # and the shopper's order page lists the refund with the shop's words
    page.context.clear_cookies()
    sign_in(page, SHOPPER_PHONE, PASSWORD)
    page.goto(f"/orders/{order_id}/")
    refund = page.locator(".order-unit-refund")
    expect(refund).to_contain_text(re.compile(r"2 units refunded by the shop on"))
    expect(refund).to_contain_text("The shop says: “Out of the large tin”")
    expect(refund).to_contain_text("¥198.00")
