"""Snap to deal in a real browser: photograph a barcode, see its deal, join it.

A phone-sized Chromium signs in, opens /snap/, hands the file input a
generated photo of a product's barcode (as the camera would), sees the open
deal in the answer and taps join, landing on the sandbox pay page; then, on a
320 px phone, deletes the photo from My snaps after the page asks once more.
"""

from __future__ import annotations

import json
import re

import pytest

from groupbuy.snap.tests.helpers import barcode_jpeg
from tests.e2e import sign_in

pytestmark = pytest.mark.browser

SEED = """
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.gtin import gtin_check_digit
from groupbuy.catalog.models import Branch, Listing, Merchant, Product
from groupbuy.deals.services import deal_create, deal_open

body = "200000099001"
gtin = body + str(gtin_check_digit(body))
User.objects.filter(phone="+8613900990011").delete()
User.objects.create_user(
    phone="+8613900990011", password="snap-journey-pass", preferred_language="en"
)
merchant = Merchant.objects.create(name="扫码超市", name_en="Snap Mart")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
product, _ = Product.objects.get_or_create(
    gtin=gtin, defaults={"name_zh": "乌龙茶", "name_en": "Oolong tea"}
)
Listing.objects.create(merchant=merchant, product=product, price_fen=5900)
now = timezone.now()
deal = deal_create(
    actor=None, merchant=merchant, product=product, title="Oolong tea × 6",
    list_price_fen=5900, tiers=[(2, 4900), (5, 3900)], stock=50,
    starts_at=now - timedelta(minutes=5), deadline_at=now + timedelta(days=2),
)
deal = deal_open(actor=None, deal=deal)
print(json.dumps({"gtin": gtin, "deal": deal.public_id}))
"""


@pytest.fixture(scope="module")
def seeded(groupbuy_server):
    output = groupbuy_server.run_python(SEED)
    return json.loads(output.strip().splitlines()[-1])


def test_snap_a_barcode_join_its_deal_and_delete_the_photo(
    groupbuy_server, page, seeded, tmp_path
):
    # given: a shopper signed in, holding a photo of the product's barcode
    photo = tmp_path / "barcode.jpg"
    photo.write_bytes(barcode_jpeg(seeded["gtin"], size=(1280, 960)))
    sign_in(page, "13900990011", "snap-journey-pass", then="/snap/")

    # when: they take the photo
    page.set_input_files("#snap-photo", str(photo))

    # then: the answer names the product and shows its deal with a join button
    deal = page.locator(f"#snap-deal-{seeded['deal']}")
    deal.wait_for(state="visible")
    assert page.locator("#snap-method").get_attribute("data-method") == "barcode"
    assert page.locator("#snap-preview-box").is_visible()
    assert "Oolong tea" in page.locator("#snap-product-name").inner_text()
    assert "Oolong tea × 6" in deal.inner_text()

    # when: they tap join
    page.click(f"#snap-join-{seeded['deal']}")

    # then: they are on the pay page for their order
    page.wait_for_url(re.compile(r"/escrow/sandbox/pay/"))
    assert page.url.startswith(groupbuy_server.url)

    # and later, on the smallest phone, they find the snap under My snaps
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/snap/")
    page.click("#snap-mine-link")
    mine = page.locator("#my-snaps .row[data-has-photo='1']").first
    assert "Oolong tea" in mine.inner_text()
    # whose words take the row beside the photo (the delete button beside them
    # once left them ~55 px: "Recognis / ed")
    words = mine.locator(".snap-history-what").bounding_box()["width"]
    assert words >= 0.6 * mine.bounding_box()["width"]
    photo_url = mine.locator("img").get_attribute("src")
    assert page.request.get(photo_url).status == 200
    # when they tap Delete photo…, the page asks first and nothing is deleted
    mine.locator(".snap-photo-delete-ask").click()
    assert mine.get_by_text("The photo is deleted for good").is_visible()
    assert page.request.get(photo_url).status == 200
    # and once they confirm, the photo is gone
    mine.locator(".snap-photo-delete-confirm").click()
    page.wait_for_selector("text=The photo is deleted;")
    assert page.locator("#my-snaps .row[data-has-photo='0']").count() == 1
    assert page.request.get(photo_url).status == 404
