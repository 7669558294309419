"""A full media disk: uploads are refused with 503 "try again later", not 500.

Found by filling the data directory's disk under a running site: a snap and a
product photo answered 500 "Something went wrong on our side", and the log's
only clue was a traceback ending in "No space left on device".
"""

import errno
import io
import logging
import os

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


class _FillsHalfway:
    """A file the disk fills under: half of what is written lands, then ENOSPC."""

    def __init__(self, file):
        self.file = file

    def write(self, data):
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.file.close()


@pytest.fixture
def disk_fills_mid_write(settings, tmp_path, monkeypatch):
    """The data disk fills while a file is being written (Django's storage
    writes through ``os.fdopen(fd, "wb")``); return the folder holding the
    media, private media and voice notes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.GROUPBUY_SHARING_PRIVATE_DIR = str(tmp_path / "sharing")
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        opened = real_fdopen(fd, mode, *args, **kwargs)
        return _FillsHalfway(opened) if mode == "wb" else opened

    monkeypatch.setattr(os, "fdopen", fdopen)
    return tmp_path


def files_under(root) -> list[str]:
    return sorted(str(path) for path in root.rglob("*") if path.is_file())


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


def test_a_product_photo_the_disk_fills_under_leaves_no_partial_file(
    client, disk_fills_mid_write
):
    # given an operator adding a photo to a product
    product = make_product()
    client.force_login(make_operator(preferred_language="en"))
    # when the disk fills half way through writing it
    response = client.post(
        f"/api/catalog/products/{product.public_id}/images", {"image": photo()}
    )
    # then the answer is the 503 "try later", and no broken file is left behind
    assert response.status_code == 503
    assert response.json()["code"] == "storage_full"
    assert not ProductImage.objects.exists()
    assert files_under(disk_fills_mid_write) == []


def test_a_drafts_photo_the_disk_fills_under_leaves_no_partial_file(
    disk_fills_mid_write,
):
    # given a draft demand (its photos kept in the private storage)
    from groupbuy.demands import services as demand_services
    from groupbuy.demands.tests.factories import make_demand

    demand = make_demand()
    # when the disk fills half way through writing its photo
    with pytest.raises(OSError) as failed:
        demand_services.demand_photo_add(
            actor=demand.initiator, demand=demand, upload=photo()
        )
    # then the error goes on (to the 503) and no broken file is left behind
    assert failed.value.errno == errno.ENOSPC
    assert not demand.photos.exists()
    assert files_under(disk_fills_mid_write) == []


def test_a_voice_note_the_disk_fills_under_leaves_no_partial_file(
    disk_fills_mid_write,
):
    from groupbuy.sharing.contacts import Contact
    from groupbuy.sharing.models import Share
    from groupbuy.sharing.services import share_send
    from groupbuy.sharing.tests.factories import make_product as share_product
    from groupbuy.sharing.tests.factories import make_user as share_user

    note = SimpleUploadedFile("note.ogg", b"OggS\x00\x02" + b"\x00" * 200, "audio/ogg")
    with pytest.raises(OSError) as failed:
        share_send(
            actor=share_user(),
            product=share_product(),
            contacts=[Contact(name="", address="+8613912340001")],
            comment="Look!",
            voice_note=note,
            idempotency_key="full-disk-voice",
        )
    assert failed.value.errno == errno.ENOSPC
    assert not Share.objects.filter(voice_note__gt="").exists()
    assert files_under(disk_fills_mid_write) == []
