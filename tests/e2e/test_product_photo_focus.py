"""A shop's owner works on a product's photos with the keyboard only, in a real
browser against `groupbuy serve`: after Make main photo and Remove, which swap
the photo list (htmx) and take the pressed button away, the focus stays with
the photos instead of falling to the start of the page, and the status above
them says what happened."""

from __future__ import annotations

import json
from string import Template

import pytest
from playwright.sync_api import expect

from tests.e2e import sign_in

pytestmark = [pytest.mark.browser]

# 139007783xx: this journey's own numbers (the browser tests share one server).
OWNER_PHONE = "13900778301"
PASSWORD = "photo-focus-pass"

SEED = Template("""
import io
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.services import product_create, product_image_add

owner = User.objects.create_user(
    phone="+86$owner", password="$password", preferred_language="en"
)
merchant = Merchant.objects.create(name="焦点超市", name_en="Focus Mart")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
product = product_create(
    actor=owner, merchant=merchant, name_zh="焦点牛奶", name_en="Focus milk"
)
for colour in ("white", "blue", "red"):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    upload = SimpleUploadedFile("milk.png", buffer.getvalue(), "image/png")
    product_image_add(actor=owner, product=product, upload=upload)
print(json.dumps({"merchant": merchant.public_id, "product": product.public_id}))
""").substitute(owner=OWNER_PHONE, password=PASSWORD)


def _press(page, locator) -> None:
    """Press ``locator`` as a keyboard does: focus it (as Tab would), then Enter."""
    locator.focus()
    page.keyboard.press("Enter")


def _remove(page, photo_id: str) -> None:
    # Remove… opens its confirm step, whose button takes the focus (app.js)
    _press(page, page.locator(f"#{photo_id} [id^=product-photo-remove-]").first)
    confirm = page.locator(f"#{photo_id} [id^=product-photo-remove-confirm-]")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")


def test_the_focus_stays_with_the_photos_after_make_main_and_remove(
    page, groupbuy_server
):
    # given a shop's owner on a product's page with three photos
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    sign_in(page, OWNER_PHONE, PASSWORD)
    page.goto(f"/merchant/{seeded['merchant']}/products/{seeded['product']}/edit/")
    photos = page.locator("#product-photo-list li")
    expect(photos).to_have_count(3)
    first, second, third = (photos.nth(index).get_attribute("id") for index in range(3))
    said = page.locator("#product-photos-said")

    # when they press Make main photo on the second photo with Enter
    _press(page, page.locator(f"#{second} [id^=product-photo-make-main-]"))

    # then the status says so, and the focus is on that photo's first control
    # (its Make main button is gone: it is the main photo now)
    expect(said).to_have_text("Shoppers now see this photo first.")
    expect(page.locator(f"#{second} :is(button, summary)").first).to_be_focused()
    expect(photos.first).to_have_id(second)

    # when they remove it (the first photo in the list now)
    _remove(page, second)

    # then the status says so, and the focus is on the next photo's first control
    expect(said).to_have_text("The photo is removed.")
    expect(photos).to_have_count(2)
    expect(page.locator(f"#{first} :is(button, summary)").first).to_be_focused()

    # when they remove the last photo of the list
    _remove(page, third)

    # then the focus goes back to the photo before it
    expect(photos).to_have_count(1)
    expect(page.locator(f"#{first} :is(button, summary)").first).to_be_focused()

    # when they remove the only photo left
    _remove(page, first)

    # then the focus is on the Photos heading, and the list says there is none
    expect(page.locator("#product-photos-none")).to_be_visible()
    expect(page.locator("#product-photos-title")).to_be_focused()
    expect(said).to_have_text("The photo is removed.")
