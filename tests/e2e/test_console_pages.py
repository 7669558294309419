"""The merchant console on a phone (360 × 740) and on a desktop, in a real
browser against `groupbuy serve`.

The owner filters the order list and downloads it as CSV (phones masked), sees
the sales charts and the payouts chart drawn, and invites a cashier by phone
number; at 360 px no element is wider than the screen and no page scrolls
sideways, though the deal's title holds a 150-character code with nowhere to
break.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS

pytestmark = [pytest.mark.browser]

PASSWORD = "console-pages-pass"
# Each test seeds its own merchant on the shared server: numbers never repeat.
_numbers = itertools.count(1)

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
    phone="+86$phone", password="$password", preferred_language="en"
)
merchant = Merchant.objects.create(name="控制台超市", name_en="Console Mart")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
Branch.objects.create(merchant=merchant, name="East gate", address="1 East Road")
product = Product.objects.create(name_zh="铁观音", name_en="Tieguanyin tea")
Listing.objects.create(merchant=merchant, product=product, price_fen=13950)
now = timezone.now()
deal = deal_create(
    actor=None, merchant=merchant, product=product,
    # A batch code with no space to break at: it widened the deal page and the
    # cashier console to 2,000 px on a phone.
    title="Tieguanyin tea, a neighbourhood price, batch TGY" + "0123456789" * 15,
    list_price_fen=12900, tiers=[(2, 9900), (5, 8900)], stock=50,
    starts_at=now - timedelta(hours=1), deadline_at=now + timedelta(days=2),
    max_quantity_per_order=5,
)
deal = deal_open(actor=None, deal=deal)
orders = {}
for index, quantity in enumerate((2, 1, 3)):
    shopper = User.objects.create_user(
        phone=f"+86$prefix{index:02d}", password=None, display_name=f"Buyer {index}"
    )
    order = deal_join(actor=shopper, deal=deal, quantity=quantity)
    if index < 2:
        pay(order)
    orders[order.public_id] = shopper.phone
# one payout paid this morning, for the payouts page's chart
from groupbuy.payments.models import Payout
Payout.objects.create(
    merchant=merchant, amount_fen=12345, provider="sandbox", status="succeeded",
    payee_account="console@example.com", business_number=f"console-$phone",
    confirmed_at=now,
)
print(json.dumps({"merchant": merchant.public_id, "deal": deal.public_id,
                  "product": product.public_id, "orders": orders}))
""")

WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > width + 1) {
      wide.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className}`
        + ` ${Math.round(box.width)}px`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, wide};
}"""

VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 800},
}


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def _assert_fits(page, where: str) -> None:
    fit = page.evaluate(WIDEST)
    assert fit["wide"] == [], f"{where}: wider than the screen: {fit['wide']}"
    assert fit["scrollWidth"] <= fit["width"], f"{where} scrolls sideways: {fit}"


@pytest.fixture(params=sorted(VIEWPORTS))
def console(request, chromium, groupbuy_server):
    """A signed-in owner of a fresh merchant, at the parameter's viewport."""
    number = next(_numbers)
    # 1390055…: the other browser tests' owners are 1390088… and 1390077…
    phone = f"13900550{number:03d}"
    seeded = _last_json(
        groupbuy_server.run_python(
            SEED.substitute(
                phone=phone, password=PASSWORD, prefix=f"139009{number:03d}"
            )
        )
    )
    seeded["number"] = number
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport=VIEWPORTS[request.param],
        locale="en-US",
        accept_downloads=True,
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/login/?next=/merchant/")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(rf"/merchant/{seeded['merchant']}/$"))
    yield page, seeded, request.param
    context.close()


def test_the_order_list_filters_and_downloads_csv(console):
    page, seeded, viewport = console
    merchant = seeded["merchant"]
    # the home lists the sections under four headings, and fits a phone
    headings = page.locator("#merchant-groups section h2").all_inner_texts()
    assert headings == ["Sell", "At the till", "Money", "Shop"]
    if viewport == "phone":
        _assert_fits(page, "home")
    # given the order list with the three orders
    page.click("#merchant-nav-orders")
    page.wait_for_url(re.compile(rf"/merchant/{merchant}/orders/"))
    assert page.locator("#merchant-orders tbody tr[id^=merchant-order-]").count() == 3
    if viewport == "phone":
        _assert_fits(page, "order list")
        # a table row reads as a card: each cell with its column's name
        cell = page.locator("#merchant-orders tbody tr td[data-label=Buyer]").first
        label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Buyer"'
    # when the owner keeps only the paid orders
    page.select_option("#id_status", "paid")
    page.click("#order-filter-submit")
    page.wait_for_url(re.compile(r"status=paid"))
    rows = page.locator("#merchant-orders tbody tr[id^=merchant-order-]")
    assert rows.count() == 2
    # and downloads them
    with page.expect_download() as download_info:
        page.click("#order-export")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as file:
        table = list(csv.reader(io.StringIO(file.read())))
    # then the CSV holds the same two orders, phones masked, money in yuan
    assert table[0][:4] == ["order", "group_buy", "buyer", "phone_masked"]
    assert len(table) == 3
    phones = seeded["orders"]
    for row in table[1:]:
        full = phones[row[0]]
        assert row[3] == "'" + full[:-8] + "****" + full[-4:]
        assert row[5] == "Paid"
        assert re.fullmatch(r"\d+\.\d\d", row[6])


def test_the_sales_charts_are_drawn(console):
    page, seeded, viewport = console
    page.click("#merchant-nav-sales")
    page.wait_for_selector("#sales-money-chart[data-chart-drawn='1']")
    page.wait_for_selector("#sales-orders-chart[data-chart-drawn='1']")
    assert page.inner_text("#sales-total-orders").strip() == "2"
    assert page.inner_text("#sales-total-units").strip() == "3"
    assert page.locator(f"#sales-deal-{seeded['deal']}").count() == 1
    if viewport == "phone":
        _assert_fits(page, "sales")


def test_the_payouts_chart_is_drawn(console):
    page, _seeded, viewport = console
    page.click("#merchant-nav-payouts")
    page.wait_for_selector("#payouts-chart[data-chart-drawn='1']")
    # the figures under it give this week's payout
    page.click("#payouts-chart summary")
    assert "¥123.45" in page.inner_text("#payouts-chart table")
    if viewport == "phone":
        _assert_fits(page, "payouts")


def test_the_owner_invites_a_cashier_and_the_deal_page_fits(console):
    page, seeded, viewport = console
    page.click("#merchant-nav-staff")
    number = f"13900870{seeded['number']:03d}"
    page.fill("#id_phone", number)
    page.select_option("#id_role", "cashier")
    page.select_option("#id_branch", label="East gate")
    page.click("#staff-invite-submit")
    page.wait_for_selector("#messages")
    assert "The invitation is sent." in page.inner_text("#messages")
    row = page.locator("#staff-table tr[id^=staff-invitation-]")
    assert row.count() == 1
    assert "Cashier" in row.inner_text()
    assert "East gate" in row.inner_text()
    assert number not in row.inner_text()
    assert number[-4:] in row.inner_text()
    if viewport == "phone":
        _assert_fits(page, "staff")
        page.goto(f"/merchant/{seeded['merchant']}/deals/{seeded['deal']}/")
        _assert_fits(page, "deal page")
        page.goto(f"/coupons/merchant/{seeded['merchant']}/")
        _assert_fits(page, "coupon console")
        page.goto(f"/merchant/{seeded['merchant']}/deals/new/")
        _assert_fits(page, "deal form")


def test_choosing_a_product_fills_in_its_everyday_price(console):
    page, seeded, _viewport = console
    page.goto(f"/merchant/{seeded['merchant']}/deals/new/")
    page.wait_for_selector("#deal-form[data-prefill-ready='1']", state="attached")
    assert page.input_value("#id_list_price_fen") == ""
    page.select_option("#id_product", seeded["product"])
    assert page.input_value("#id_list_price_fen") == "139.50"
    # a price the merchant typed is theirs: choosing again does not overwrite it
    page.fill("#id_list_price_fen", "120")
    page.select_option("#id_product", "")
    page.select_option("#id_product", seeded["product"])
    assert page.input_value("#id_list_price_fen") == "120"
    assert page.is_checked("#id_settlement_mode_0")


def test_the_menu_shows_the_section_a_page_is_in(console):
    # On a phone the console's menu scrolls sideways and its later sections were
    # off screen: a page opened from one of them did not show where it was.
    page, seeded, viewport = console
    page.goto(f"/pooling/merchant/{seeded['merchant']}/promotions/")
    current = page.locator('.subnav [aria-current="page"]')
    assert current.get_attribute("id") == "merchant-nav-promotions"
    box = current.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    if viewport == "phone":
        _assert_fits(page, "promotions")
