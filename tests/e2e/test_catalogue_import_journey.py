"""A shop moves its catalogue in, in a real browser against `groupbuy serve`:
the owner uploads the till's CSV (GB18030, as Excel saves it on a Chinese
Windows), reads the preview row by row, confirms, and finds the products on
Our products. Then they give one photos and put them in order, the page
keeping its place. The pages pass axe's serious and critical checks."""

from __future__ import annotations

import io
import json
from string import Template

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import sign_in
from tests.e2e.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser]

# 139007781xx: this journey's own numbers (the browser tests share one server).
OWNER_PHONE = "13900778101"
PASSWORD = "catalogue-journey-pass"

SEED = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch, Merchant

owner = User.objects.create_user(
    phone="+86$owner", password="$password", preferred_language="en"
)
merchant = Merchant.objects.create(name="搬家超市", name_en="Moving-in Mart")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
print(json.dumps({"merchant": merchant.public_id}))
""").substitute(owner=OWNER_PHONE, password=PASSWORD)

# Two good rows and one whose barcode's check digit is wrong.
TILL_FILE = (
    "条码,中文名称,英文名称,品牌,规格,售价（元）,在售\r\n"
    "2000000778105,搬家牛奶,Moving milk,光明,950 ml,12.50,是\r\n"
    ",搬家豆浆,Moving soy milk,,500 ml,3.00,是\r\n"
    "2000000778106,坏条码,,,,3.00,是\r\n"
).encode("gb18030")


def test_an_owner_imports_the_tills_file_and_finds_the_products(page, groupbuy_server):
    # given a shop's owner on the console's Import or export page
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    merchant = seeded["merchant"]
    sign_in(page, OWNER_PHONE, PASSWORD)
    page.goto(f"/merchant/{merchant}/products/")
    page.click("#merchant-catalogue")
    page.wait_for_selector("#catalogue-upload-form")
    assert axe_violations(page) == []

    # when they upload the till's file
    page.set_input_files(
        "#catalogue-file",
        {"name": "till.csv", "mimeType": "text/csv", "buffer": TILL_FILE},
    )
    page.click("#catalogue-upload")

    # then the preview says how it read the file and what each row would do
    expect(page.locator("#catalogue-encoding")).to_have_text(
        "Read as GB18030 (GBK): 3 rows."
    )
    expect(page.locator('#catalogue-rows tr[data-action="create"]')).to_have_count(2)
    expect(page.locator("#catalogue-line-4")).to_contain_text("wrong check digit")
    assert axe_violations(page) == []

    # when they confirm
    page.click("#catalogue-confirm")

    # then the import is done, and Our products lists the two products
    expect(page.locator("#catalogue-applied")).to_contain_text("Imported on")
    page.click("#catalogue-to-products")
    expect(page.locator("#product-table")).to_contain_text("Moving milk")
    expect(page.locator("#product-table")).to_contain_text("Moving soy milk")
    expect(page.locator("#product-table")).not_to_contain_text("坏条码")

    # when they give Moving milk three photos (each saved with the product)
    page.click("#product-table tr:has-text('Moving milk') a")
    edit_url = page.url
    for colour in ("white", "blue", "red"):
        page.set_input_files(
            "#id_image",
            {"name": "milk.png", "mimeType": "image/png", "buffer": _png(colour)},
        )
        page.click("#product-submit")
        expect(page.locator("#product-table")).to_contain_text("Moving milk")
        page.goto(edit_url)
    photos = page.locator("#product-photo-list li")
    expect(photos).to_have_count(3)
    last = photos.nth(2).get_attribute("id")
    assert axe_violations(page) == []
    # and move the last one up, far down the page on a phone
    button = page.locator(f"#{last} [id^=product-photo-move-up-]")
    button.scroll_into_view_if_needed()
    page.evaluate("() => { window.stillThisPage = true; }")
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 0
    button.click()

    # then the page says so beside the photos and lists it second, without
    # loading again: the owner is still where they were
    expect(page.locator("#product-photos-said")).to_have_text("The photo is moved up.")
    expect(photos.nth(1)).to_have_id(last)
    assert page.evaluate("() => window.stillThisPage") is True
    assert page.evaluate("() => window.scrollY") == scrolled


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return buffer.getvalue()
