import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groupbuy.catalog.models import Product, ProductImage
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_category,
    make_listing,
    make_operator,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_operator(is_superuser=True))
    return client


def test_catalog_admin_pages_render(admin_client, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    product = make_product(category=make_category(), aliases=["别名"])
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    ProductImage.objects.create(
        product=product,
        image=SimpleUploadedFile("a.png", buffer.getvalue()),
        is_primary=True,
        is_reference=True,
    )
    make_listing(product=product)
    make_branch()
    # when / then
    for url in [
        "/admin/catalog/product/",
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/catalog/productimage/",
        "/admin/catalog/category/",
        "/admin/catalog/listing/",
        "/admin/catalog/merchant/",
        "/admin/catalog/branch/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    changelist = admin_client.get("/admin/catalog/product/").content.decode()
    assert '<img src="/media/products/' in changelist


def _add_product_form(gtin):
    return {
        "name_zh": "新商品",
        "gtin": gtin,
        "is_active": "on",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }


def test_admin_refuses_a_duplicate_gtin_with_a_message(admin_client):
    existing = make_product(gtin="6901939691601", name_en="Coca-Cola")
    response = admin_client.post(
        "/admin/catalog/product/add/", _add_product_form("06901939691601")
    )
    assert response.status_code == 200
    assert existing.public_id in response.content.decode()
    assert Product.objects.count() == 1


def test_admin_names_the_expected_check_digit(admin_client):
    response = admin_client.post(
        "/admin/catalog/product/add/", _add_product_form("6901939691609")
    )
    # The operator's language is Chinese by default.
    assert "“6901939691609”的校验位不对（应为 1）。" in response.content.decode()
    assert Product.objects.count() == 0


def test_admin_stores_the_normalised_gtin(admin_client):
    response = admin_client.post(
        "/admin/catalog/product/add/", _add_product_form("6901939 691601")
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.gtin, product.gtin14) == ("6901939691601", "06901939691601")


def test_the_category_list_reads_as_many_queries_for_12_categories_as_for_3():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupbuy.accounts.tests.helpers import support_client
    from groupbuy.catalog.tests.factories import make_category

    # given a category tree, thresholds inherited two levels down
    root = make_category(demand_threshold=7)
    make_category(parent=make_category(parent=root))
    support = support_client()
    url = "/admin/catalog/category/"
    support.get(url)  # warm up: session

    def listed() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = support.get(url)
        assert response.status_code == 200
        return len(queries)

    few = listed()
    # when it grows fourfold
    for _n in range(3):
        make_category(parent=make_category(parent=root))
    many = listed()
    # then the list reads the same number of queries
    assert many == few
