import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Product, ProductImage
from groupbuy.catalog.tests.factories import (
    make_category,
    make_gtin13,
    make_listing,
    make_merchant_member,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_member(**overrides) -> MerchantMembership:
    overrides.setdefault("user", make_user(preferred_language="en"))
    return make_merchant_member(**overrides)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("tea.png", buffer.getvalue(), content_type="image/png")


def _new_url(membership) -> str:
    return reverse("web:merchant_product_create", args=[membership.merchant.public_id])


def _edit_url(membership, product) -> str:
    return reverse(
        "web:merchant_product_edit",
        args=[membership.merchant.public_id, product.public_id],
    )


def _form_data(**overrides) -> dict:
    data = {"gtin": "", "name_zh": "乌龙茶", "name_en": "Oolong tea", "aliases": ""}
    data.update(overrides)
    return data


def test_owner_creates_product_with_alias_and_photo_and_sees_it_listed(db):
    # given
    owner = make_member()
    category = make_category(name_en="Tea")
    client = _client_for(owner.user)
    gtin = make_gtin13()
    # when
    response = client.post(
        _new_url(owner),
        _form_data(
            gtin=gtin,
            brand="山茶",
            spec="250 g",
            category=category.public_id,
            aliases="高山乌龙，Oolong\nTieguanyin",
            image=_photo(),
            is_reference="on",
        ),
    )
    # then
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _edit_url(owner, product)
    assert (product.gtin, product.name_zh, product.brand, product.spec) == (
        gtin,
        "乌龙茶",
        "山茶",
        "250 g",
    )
    assert (product.category, product.added_by_merchant) == (category, owner.merchant)
    assert sorted(product.aliases.values_list("text", flat=True)) == [
        "Oolong",
        "Tieguanyin",
        "高山乌龙",
    ]
    image = ProductImage.objects.get(product=product)
    assert (image.is_reference, image.is_primary) == (True, True)
    edit_page = client.get(response["Location"]).content.decode()
    listing_url = reverse(
        "web:merchant_listing_create", args=[owner.merchant.public_id]
    )
    assert f'href="{listing_url}?product={product.public_id}"' in edit_page
    listed = client.get(
        reverse("web:merchant_products", args=[owner.merchant.public_id])
    )
    assert [item.public_id for item in listed.context["products"].items] == [
        product.public_id
    ]
    assert 'id="merchant-new-product"' in listed.content.decode()


def test_products_list_shows_only_this_merchants_products_matching_search(db):
    # given
    owner = make_member()
    tea = make_product(name_zh="乌龙茶", added_by_merchant=owner.merchant)
    make_product(name_zh="咖啡豆", added_by_merchant=owner.merchant)
    make_product(name_zh="乌龙茶饮料")
    url = reverse("web:merchant_products", args=[owner.merchant.public_id])
    # when
    response = _client_for(owner.user).get(url, {"q": "乌龙"})
    # then
    assert [item.public_id for item in response.context["products"].items] == [
        tea.public_id
    ]


def test_bad_check_digit_shows_on_gtin_field_and_creates_nothing(db):
    # given
    owner = make_member()
    # when
    response = _client_for(owner.user).post(
        _new_url(owner), _form_data(gtin="6901234567891", image=_photo())
    )
    # then
    assert response.status_code == 200
    [message] = response.context["form"].errors["gtin"]
    assert "check digit" in message
    assert response.context["form"].non_field_errors() == []
    assert Product.objects.count() == 0
    assert ProductImage.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_duplicate_gtin_shows_the_conflict(db):
    # given
    owner = make_member()
    existing = make_product(name_zh="红茶", name_en="Black tea")
    # when
    response = _client_for(owner.user).post(
        _new_url(owner), _form_data(gtin=existing.gtin)
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["gtin"] == [
        f"GTIN {existing.gtin} already belongs to “Black tea” ({existing.public_id})."
    ]
    assert list(Product.objects.all()) == [existing]


def test_a_barcode_already_in_the_catalogue_offers_to_sell_that_product(db):
    # given a product in the catalogue, and another the shop already sells
    owner = make_member()
    existing = make_product(name_zh="红茶", name_en="Black tea")
    sold = make_product(name_zh="绿茶", name_en="Green tea")
    listing = make_listing(merchant=owner.merchant, product=sold)
    client = _client_for(owner.user)
    # when the owner adds a product with each one's barcode
    new = client.post(_new_url(owner), _form_data(gtin=existing.gtin))
    again = client.post(_new_url(owner), _form_data(gtin=sold.gtin))
    # then the page offers to list the first at their price
    list_it = (
        reverse("web:merchant_listing_create", args=[owner.merchant.public_id])
        + f"?product={existing.public_id}"
    )
    html = new.content.decode()
    assert f'href="{list_it}" id="product-barcode-taken-list"' in html
    assert (
        "“Black tea” is already in the catalogue with this barcode: sell it at "
        "your price instead of adding it again." in html
    )
    # and the second to change the price it already sells it at
    change = reverse(
        "web:merchant_listing_edit",
        args=[owner.merchant.public_id, listing.public_id],
    )
    html = again.content.decode()
    assert f'href="{change}" id="product-barcode-taken-listing"' in html
    assert "Your shop already sells “Green tea”, which has this barcode." in html
    assert list(Product.objects.order_by("pk")) == [existing, sold]


def test_bad_photo_leaves_no_product_behind(db):
    # given
    owner = make_member()
    not_a_photo = SimpleUploadedFile("x.png", b"hello", content_type="image/png")
    # when
    response = _client_for(owner.user).post(
        _new_url(owner), _form_data(image=not_a_photo)
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["image"] == [
        "This file is not a JPEG, PNG or WebP photo."
    ]
    assert Product.objects.count() == 0


def test_owner_edits_product_fields_and_aliases(db):
    # given
    owner = make_member()
    product = make_product(
        name_zh="绿茶", added_by_merchant=owner.merchant, aliases=["龙井", "Green"]
    )
    category = make_category()
    client = _client_for(owner.user)
    assert client.get(_edit_url(owner, product)).context["form"].initial["aliases"] in (
        "龙井\nGreen",
        "Green\n龙井",
    )
    # when
    response = client.post(
        _edit_url(owner, product),
        _form_data(
            gtin=product.gtin,
            name_zh="西湖龙井",
            spec="100 g",
            category=category.public_id,
            aliases="龙井, Longjing",
        ),
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "web:merchant_products", args=[owner.merchant.public_id]
    )
    product.refresh_from_db()
    assert (product.name_zh, product.name_en, product.spec, product.category) == (
        "西湖龙井",
        "Oolong tea",
        "100 g",
        category,
    )
    assert sorted(product.aliases.values_list("text", flat=True)) == [
        "Longjing",
        "龙井",
    ]


def test_cashier_sees_products_but_may_not_add_or_edit(db):
    # given
    owner = make_member()
    cashier = make_member(merchant=owner.merchant, role=MerchantMembership.Role.CASHIER)
    product = make_product(added_by_merchant=owner.merchant)
    client = _client_for(cashier.user)
    # when
    listed = client.get(
        reverse("web:merchant_products", args=[owner.merchant.public_id])
    )
    new_page = client.get(_new_url(owner))
    posted = client.post(_new_url(owner), _form_data())
    edited = client.post(_edit_url(owner, product), _form_data(name_zh="改名"))
    # then
    assert listed.status_code == 200
    assert 'id="merchant-new-product"' not in listed.content.decode()
    assert (new_page.status_code, posted.status_code, edited.status_code) == (
        403,
        403,
        403,
    )
    assert Product.objects.count() == 1
    product.refresh_from_db()
    assert product.name_zh != "改名"


def test_other_merchants_owner_cannot_edit(db):
    # given
    owner = make_member()
    product = make_product(name_zh="绿茶", added_by_merchant=owner.merchant)
    outsider = make_member()
    client = _client_for(outsider.user)
    # when
    through_own_console = client.post(
        _edit_url(outsider, product), _form_data(name_zh="改名")
    )
    through_theirs = client.post(_edit_url(owner, product), _form_data(name_zh="改名"))
    # then
    assert through_own_console.status_code == 404
    assert through_theirs.status_code == 403
    product.refresh_from_db()
    assert product.name_zh == "绿茶"


def test_platform_product_is_not_editable_from_the_console(db):
    owner = make_member()
    product = make_product()
    response = _client_for(owner.user).get(_edit_url(owner, product))
    assert response.status_code == 404


def test_signed_out_visitor_is_sent_to_login(db):
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    urls = [
        reverse("web:merchant_products", args=[owner.merchant.public_id]),
        _new_url(owner),
        _edit_url(owner, product),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_new_product_form_sent_twice_adds_one_product(db):
    # given an owner who added 乌龙茶 from the form
    membership = make_member()
    client = _client_for(membership.user)
    first = client.post(_new_url(membership), _form_data(spec="250 g"))
    assert first.status_code == 302
    product = Product.objects.get()
    # when the same form is sent again (reload and resend, a retry)
    second = client.post(_new_url(membership), _form_data(spec="250 g"))
    # then nothing more is added: the name field says which product it already is
    assert second.status_code == 200
    form = second.context["form"]
    assert form.errors["name_zh"] == [
        f"Your shop already has “乌龙茶” ({product.public_id}) with this brand and "
        "specification: edit that one under Our products instead of adding it again."
    ]
    assert (form["name_zh"].value(), form["spec"].value()) == ("乌龙茶", "250 g")
    assert Product.objects.count() == 1
