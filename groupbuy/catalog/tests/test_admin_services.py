"""The catalog admin changes things only through the catalog services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groupbuy.catalog.models import Listing, Product, ProductAlias, ProductImage
from groupbuy.catalog.signals import reference_images_changed
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant,
    make_operator,
    make_product,
)
from groupbuy.core.models import AuditEntry
from groupbuy.snap.indexes import NameIndexProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_operator(is_superuser=True, preferred_language="en")


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def reference_events():
    events = []

    def record(sender, *, product_public_id, **kwargs):
        events.append(product_public_id)

    reference_images_changed.connect(record, weak=False)
    yield events
    reference_images_changed.disconnect(record)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _product_form(product: Product, **changes) -> dict:
    aliases = list(product.aliases.all())
    images = list(product.images.all())
    form = {
        "gtin": product.gtin,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "brand": product.brand,
        "spec": product.spec,
        "description": product.description,
        "source": product.source,
        "category": product.category_id or "",
        "is_active": "on" if product.is_active else "",
        "aliases-TOTAL_FORMS": str(len(aliases)),
        "aliases-INITIAL_FORMS": str(len(aliases)),
        "images-TOTAL_FORMS": str(len(images)),
        "images-INITIAL_FORMS": str(len(images)),
    }
    for index, alias in enumerate(aliases):
        form[f"aliases-{index}-id"] = alias.pk
        form[f"aliases-{index}-product"] = product.pk
        form[f"aliases-{index}-text"] = alias.text
        form[f"aliases-{index}-language"] = alias.language
    for index, image in enumerate(images):
        form[f"images-{index}-id"] = image.pk
        form[f"images-{index}-product"] = product.pk
        form[f"images-{index}-is_primary"] = "on" if image.is_primary else ""
        form[f"images-{index}-is_reference"] = "on" if image.is_reference else ""
    form.update(changes)
    return {key: value for key, value in form.items() if value != ""}


def test_a_product_renamed_in_the_admin_is_audited_and_reaches_the_name_index(
    admin_client, operator
):
    # given: snap's name index knows the old name
    product = make_product(name_zh="旧名字饮料", name_en="Old name drink")
    names = NameIndexProvider(interval_s=0)
    assert names().match(["新名字果汁"]) == []
    # when
    response = admin_client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        _product_form(product, name_zh="新名字果汁"),
    )
    # then
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).name_zh == "新名字果汁"
    entry = AuditEntry.objects.get(action="catalog.product.updated")
    assert entry.actor == operator
    assert entry.data == {"changed": ["name_zh"]}
    matches = names().match(["新名字果汁"])
    assert [match.product_public_id for match in matches] == [product.public_id]


def test_a_product_added_in_the_admin_goes_through_the_services(
    admin_client,
    settings,
    tmp_path,
    reference_events,
    django_capture_on_commit_callbacks,
):
    # given
    settings.MEDIA_ROOT = tmp_path
    form = {
        "name_zh": "新商品",
        "gtin": "6901939691601",
        "is_active": "on",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-text": "别名一",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": SimpleUploadedFile("a.png", _png(), "image/png"),
        "images-0-is_reference": "on",
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/catalog/product/add/", form)
    # then
    assert response.status_code == 302
    product = Product.objects.get()
    assert [a.text for a in ProductAlias.objects.all()] == ["别名一"]
    image = ProductImage.objects.get()
    assert (image.product, image.is_reference, image.is_primary) == (
        product,
        True,
        True,
    )
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "catalog.product.created",
        "catalog.product.alias_added",
        "catalog.product.image_added",
    ]
    assert reference_events == [product.public_id]


def test_aliases_removed_and_photos_unmarked_in_the_admin_are_audited(
    admin_client,
    settings,
    tmp_path,
    reference_events,
    django_capture_on_commit_callbacks,
):
    # given
    settings.MEDIA_ROOT = tmp_path
    product = make_product(aliases=["别名"])
    ProductImage.objects.create(
        product=product,
        image=SimpleUploadedFile("a.png", _png()),
        is_primary=True,
        is_reference=True,
    )
    form = _product_form(product, **{"aliases-0-DELETE": "on"})
    form.pop("images-0-is_reference")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/catalog/product/{product.pk}/change/", form
        )
    # then
    assert response.status_code == 302
    assert not ProductAlias.objects.exists()
    assert ProductImage.objects.get().is_reference is False
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "catalog.product.alias_removed",
        "catalog.product.image_updated",
    }
    assert reference_events == [product.public_id]


def test_a_bomb_uploaded_in_the_admin_is_refused_without_a_500(
    admin_client, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    settings.GROUPBUY_SNAP_MAX_PIXELS = 100
    product = make_product()
    # when
    response = admin_client.post(
        "/admin/catalog/productimage/add/",
        {
            "product": product.pk,
            "image": SimpleUploadedFile("a.png", _png(), "image/png"),
        },
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    assert not ProductImage.objects.exists()
    assert list(tmp_path.rglob("*.png")) == []


def test_the_admin_shows_a_service_refusal_as_a_message(admin_client):
    # given: listing a product that is no longer sold is refused by the service
    product = make_product(is_active=False)
    merchant = make_merchant()
    # when
    response = admin_client.post(
        "/admin/catalog/listing/add/",
        {
            "merchant": merchant.pk,
            "product": product.pk,
            "price_yuan": "9.90",
            "is_active": "on",
        },
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert "is no longer sold" in response.content.decode()
    assert not Listing.objects.exists()


def test_a_listing_price_changed_in_the_admin_is_audited(admin_client):
    # given
    listing = make_listing(price_fen=1000)
    # when
    response = admin_client.post(
        f"/admin/catalog/listing/{listing.pk}/change/",
        {"price_yuan": "12.00", "is_active": "on"},
    )
    # then
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.price_fen == 1200
    entry = AuditEntry.objects.get(action="catalog.listing.updated")
    assert entry.data == {"price_fen": {"from": 1000, "to": 1200}}


@pytest.mark.parametrize(
    "typed, message",
    [
        ("1e2", "Enter an amount in yuan, such as 12.50."),
        (
            "0,05",
            "Write fen after a point and commas only between thousands, "
            "such as 1,234.50.",
        ),
        ("12.345", "Use at most two decimals (fen)."),
        ("0", "The amount must be more than 0."),
    ],
)
def test_the_listing_price_is_read_as_every_yuan_field_reads_it(
    admin_client, typed, message
):
    # given a listing at 10.00
    listing = make_listing(price_fen=1000)
    # when an operator types a price the site's yuan fields refuse (until
    # 2026-12-06 the admin's DecimalField took "1e2" as 100.00)
    response = admin_client.post(
        f"/admin/catalog/listing/{listing.pk}/change/",
        {"price_yuan": typed, "is_active": "on"},
    )
    # then the form says why on the price and nothing changes
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["price_yuan"] == [message]
    listing.refresh_from_db()
    assert listing.price_fen == 1000
    assert not AuditEntry.objects.filter(action="catalog.listing.updated").exists()


def test_the_listing_price_takes_thousands_and_the_yuan_sign(admin_client):
    listing = make_listing(price_fen=1000)
    response = admin_client.post(
        f"/admin/catalog/listing/{listing.pk}/change/",
        {"price_yuan": "¥1,234.50", "is_active": "on"},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.price_fen == 123_450
    # and the form shows the stored price in yuan
    page = admin_client.get(f"/admin/catalog/listing/{listing.pk}/change/")
    assert 'value="1234.50"' in page.content.decode()


def test_the_admin_offers_no_deletion_where_no_service_exists(admin_client):
    product = make_product()
    listing = make_listing(product=product)
    for url in [
        f"/admin/catalog/product/{product.pk}/delete/",
        f"/admin/catalog/listing/{listing.pk}/delete/",
        f"/admin/catalog/merchant/{listing.merchant.pk}/delete/",
    ]:
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, url
    assert Product.objects.filter(pk=product.pk).exists()
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_the_deactivate_action_switches_products_off_through_the_service(
    admin_client, operator
):
    # given
    product = make_product()
    # when
    response = admin_client.post(
        "/admin/catalog/product/",
        {"action": "deactivate", "_selected_action": [product.pk]},
    )
    # then
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).is_active is False
    entry = AuditEntry.objects.get(action="catalog.product.selling_stopped")
    assert (entry.actor, entry.object_id) == (operator, product.public_id)
    # and again: the product stays stopped, nothing more is logged
    admin_client.post(
        "/admin/catalog/product/",
        {"action": "deactivate", "_selected_action": [product.pk]},
    )
    assert AuditEntry.objects.filter(object_id=product.public_id).count() == 1
