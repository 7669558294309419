import functools
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groupbuy.catalog.models import Product, ProductAlias, ProductImage
from groupbuy.catalog.tests.factories import (
    make_category,
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_search_returns_a_page_of_products(client):
    # given
    category = make_category(slug="drinks", name_en="Drinks")
    make_product(name_zh="可口可乐", name_en="Coca-Cola", category=category)
    make_product(name_zh="百事可乐", name_en="Pepsi")
    # when
    response = client.get("/api/catalog/products", {"q": "可乐", "page_size": 1})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["pages"], body["page"]) == (2, 2, 1)
    item = body["items"][0]
    assert item["name"] == "Coca-Cola"
    assert item["category"] == {
        "id": category.public_id,
        "slug": "drinks",
        "name": "Drinks",
    }


def test_search_by_category_slug_and_unknown_slug(client):
    make_product(category=make_category(slug="drinks"))
    assert client.get("/api/catalog/products?category=drinks").json()["total"] == 1
    response = client.get("/api/catalog/products?category=nope")
    assert response.status_code == 404
    assert response.json()["message"] == "No such category."


def test_page_size_above_the_limit_is_a_clear_422(client):
    response = client.get("/api/catalog/products?page_size=1000")
    assert response.status_code == 422
    assert any(name.endswith("page_size") for name in response.json()["fields"])


def test_detail_hides_inactive_products(client):
    product = make_product(is_active=False)
    response = client.get(f"/api/catalog/products/{product.public_id}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No such product.",
        "fields": {},
    }


def test_gtin_lookup_accepts_upc_as_ean13(client):
    product = make_product(gtin="036000291452")
    response = client.get("/api/catalog/products/gtin/0036000291452")
    assert response.status_code == 200
    assert response.json()["id"] == product.public_id


def test_gtin_lookup_with_bad_check_digit_is_400_naming_the_digit(client):
    response = client.get("/api/catalog/products/gtin/6901939691609")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "“6901939691609” has a wrong check digit (expected 1)."
    )


def test_a_bad_gtin_in_the_lookup_path_is_refused_under_the_name_sent(client):
    # given a lookup whose path segment, ``code``, is no GTIN
    # when
    response = client.get("/api/catalog/products/gtin/12345")
    # then the refusal names the path's own parameter, as every 4xx names a
    # value the way the client sent it (a client showing field errors beside
    # its inputs has no "gtin" input here)
    assert response.status_code == 400
    message = "A GTIN has 8, 12, 13 or 14 digits; “12345” does not."
    assert response.json() == {
        "code": "invalid_gtin",
        "message": message,
        "fields": {"code": [message]},
    }


def test_operator_creates_a_product(client):
    # given
    client.force_login(make_operator())
    category = make_category()
    # when
    response = client.post(
        "/api/catalog/products",
        {
            "name_zh": "可口可乐汽水",
            "gtin": "6901939691601",
            "category_id": category.public_id,
            "aliases": ["可乐"],
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["gtin"], body["aliases"]) == ("6901939691601", ["可乐"])
    assert Product.objects.get(public_id=body["id"]).category == category


def test_duplicate_gtin_over_the_api_is_409(client):
    existing = make_product(gtin="6901939691601")
    client.force_login(make_operator())
    response = client.post(
        "/api/catalog/products",
        {"name_zh": "重复", "gtin": "6901939691601"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert existing.public_id in response.json()["message"]
    assert Product.objects.count() == 1


def test_anonymous_and_shoppers_cannot_create_products(client):
    payload = {"name_zh": "可乐"}
    anonymous = client.post(
        "/api/catalog/products", payload, content_type="application/json"
    )
    client.force_login(make_user())
    shopper = client.post(
        "/api/catalog/products", payload, content_type="application/json"
    )
    assert (anonymous.status_code, shopper.status_code) == (401, 403)
    assert Product.objects.count() == 0


def test_owner_creates_and_patches_a_product_for_their_merchant(client):
    # given
    membership = make_merchant_member()
    client.force_login(membership.user)
    created = client.post(
        "/api/catalog/products",
        {"name_zh": "自制辣酱", "merchant_id": membership.merchant.public_id},
        content_type="application/json",
    ).json()
    # when
    response = client.patch(
        f"/api/catalog/products/{created['id']}",
        {"spec": "250 g", "category_id": None, "is_active": None},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["spec"], body["is_active"]) == ("250 g", True)
    assert body["added_by_merchant_id"] == membership.merchant.public_id


def test_patching_a_platform_product_as_owner_is_403(client):
    product = make_product(name_zh="原名")
    client.force_login(make_merchant_member().user)
    response = client.patch(
        f"/api/catalog/products/{product.public_id}",
        {"name_zh": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name_zh == "原名"


def test_aliases_are_added_and_removed(client):
    product = make_product()
    client.force_login(make_operator())
    added = client.post(
        f"/api/catalog/products/{product.public_id}/aliases",
        {"text": "快乐水", "language": "zh"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json() == {
        "product_id": product.public_id,
        "text": "快乐水",
        "language": "zh",
    }
    removed = client.delete(
        f"/api/catalog/products/{product.public_id}/aliases?text=快乐水"
    )
    assert removed.status_code == 204
    assert not ProductAlias.objects.exists()


def test_photo_upload_and_reference_flag(client, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    client.force_login(make_operator())
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    # when
    uploaded = client.post(
        f"/api/catalog/products/{product.public_id}/images",
        {"image": photo, "is_reference": "true"},
    )
    # then
    assert uploaded.status_code == 201
    body = uploaded.json()
    assert (body["is_reference"], body["is_primary"]) == (True, True)
    assert body["url"].startswith(
        f"http://testserver/media/products/{product.public_id}/"
    )
    patched = client.patch(
        f"/api/catalog/images/{body['id']}?confirm_last_reference=true",
        {"is_reference": False},
        content_type="application/json",
    )
    assert patched.json()["is_reference"] is False
    detail = client.get(f"/api/catalog/products/{product.public_id}").json()
    assert detail["thumbnail_url"] == body["url"]
    deleted = client.delete(f"/api/catalog/images/{body['id']}")
    assert deleted.status_code == 204
    assert not ProductImage.objects.exists()


def test_upload_of_a_text_file_is_415(client):
    product = make_product()
    client.force_login(make_operator(preferred_language="zh-hans"))
    response = client.post(
        f"/api/catalog/products/{product.public_id}/images",
        {"image": SimpleUploadedFile("a.jpg", b"hello", content_type="image/jpeg")},
    )
    assert response.status_code == 415
    assert response.json()["fields"] == {
        "image": ["这个文件不是 JPEG、PNG 或 WebP 图片。"]
    }


def test_category_tree_shows_effective_thresholds(client, settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 5
    food = make_category(slug="food", name_en="Food", demand_threshold=8)
    make_category(slug="snacks", name_en="Snacks", parent=food)
    make_category(slug="home", name_en="Home")
    # when
    body = client.get("/api/catalog/categories").json()
    # then
    assert [(n["slug"], n["effective_demand_threshold"]) for n in body] == [
        ("food", 8),
        ("home", 5),
    ]
    child = body[0]["children"][0]
    assert (child["slug"], child["demand_threshold"]) == ("snacks", None)
    assert child["effective_demand_threshold"] == 8


def test_operator_creates_and_moves_a_category(client):
    client.force_login(make_operator())
    root = make_category()
    created = client.post(
        "/api/catalog/categories",
        {"slug": "tea", "name_zh": "茶", "name_en": "Tea"},
        content_type="application/json",
    )
    assert created.status_code == 201
    moved = client.patch(
        f"/api/catalog/categories/{created.json()['id']}",
        {"parent_id": root.public_id, "demand_threshold": 2},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["effective_demand_threshold"] == 2


def _encoded(image_format: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


@functools.cache
def _png_bomb() -> bytes:
    """A 12,000 × 12,000 PNG of one colour: ~420 KB on the wire, 432 MB decoded.

    Its 432 MB of rows are not compressed whole (~3 s of CPU): after a full
    flush the compressor starts afresh, so every block of rows after the first
    compresses to the same bytes, which are repeated; the checksum is the
    whole image's.
    """
    import struct
    import zlib

    width = height = 12_000
    rows_per_block = 100
    blocks = height // rows_per_block

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    block = b"\x00" * (width * 3 + 1) * rows_per_block
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.flush()[:-4]  # the final empty block, less its checksum
    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(block, checksum)
    rows = first + again * (blocks - 1) + last + struct.pack(">I", checksum)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        pytest.param(_png_bomb(), 413, "image_too_big", id="decompression bomb"),
        pytest.param(_encoded("JPEG")[:300], 422, "damaged_image", id="truncated jpeg"),
        pytest.param(_encoded("GIF"), 415, "bad_image", id="gif"),
        pytest.param(b"%PDF-1.4 not a photo", 415, "bad_image", id="pdf"),
    ],
)
def test_bad_product_photos_get_4xx_and_store_nothing(
    client, settings, tmp_path, data, status, code
):
    # given
    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    client.force_login(make_operator())
    # when
    response = client.post(
        f"/api/catalog/products/{product.public_id}/images",
        {"image": SimpleUploadedFile("a.png", data, content_type="image/png")},
    )
    # then
    assert response.status_code == status
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == ["image"]
    assert not ProductImage.objects.exists()
    assert list(tmp_path.iterdir()) == []
