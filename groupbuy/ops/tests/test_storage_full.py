"""A full media disk: uploads are refused with 503 "try again later", not 500.

Found by filling the data directory's disk under a running site: a snap and a
product photo answered 500 "Something went wrong on our side", and the log's
only clue was a traceback ending in "No space left on device".
"""

import errno
import io
import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from groupbuy.catalog.models import Product, ProductImage
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_disk(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def no_space(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / name))

    monkeypatch.setattr(FileSystemStorage, "_save", no_space)


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_an_api_upload_on_a_full_disk_is_a_503_saying_to_try_later(
    client, full_disk, caplog
):
    # given
    product = make_product()
    client.force_login(make_operator(preferred_language="en"))
    # when
    with caplog.at_level(logging.ERROR, logger="groupbuy.storage"):
        response = client.post(
            f"/api/catalog/products/{product.public_id}/images", {"image": photo()}
        )
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert response.json() == {
        "code": "storage_full",
        "message": "The site cannot save files right now. Nothing was saved: "
        "please try again later.",
        "fields": {},
    }
    assert not ProductImage.objects.exists()
    told = [r for r in caplog.records if r.name == "groupbuy.storage"]
    assert [record.getMessage().split(":")[0] for record in told] == ["storage full"]


def test_a_page_upload_on_a_full_disk_is_a_503_page_in_the_readers_language(
    client, full_disk
):
    # given a shop owner adding a product with a photo
    owner = make_merchant_member(user=make_user(preferred_language="en"))
    client.force_login(owner.user)
    url = reverse("web:merchant_product_create", args=[owner.merchant.public_id])
    # when
    response = client.post(
        url,
        {"gtin": "", "name_zh": "乌龙茶", "name_en": "Oolong tea", "image": photo()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then
    assert response.status_code == 503
    page = response.content.decode()
    assert "Please try again later" in page
    assert "Nothing was saved" in page
    assert not Product.objects.filter(name_en="Oolong tea").exists()
