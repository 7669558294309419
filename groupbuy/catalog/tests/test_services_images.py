import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.signals import reference_images_changed
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_upload(name="photo.png", size=(8, 6), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def reference_events():
    received = []

    def receiver(sender, product_public_id, **kwargs):
        received.append(product_public_id)

    reference_images_changed.connect(receiver)
    yield received
    reference_images_changed.disconnect(receiver)


def test_first_photo_becomes_primary_and_reference_is_announced_after_commit(
    django_capture_on_commit_callbacks, reference_events, media_root
):
    # given
    product = make_product()
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image = services.product_image_add(
            actor=make_operator(),
            product=product,
            upload=png_upload(),
            is_reference=True,
        )
        assert reference_events == []
    for callback in callbacks:
        callback()
    # then
    assert (image.is_primary, image.is_reference) == (True, True)
    assert image.image.name.startswith(f"products/{product.public_id}/")
    assert image.image.name.endswith(".png")
    assert (media_root / image.image.name).exists()
    assert reference_events == [product.public_id]


def test_not_an_image_is_refused_and_nothing_is_stored(media_root):
    upload = SimpleUploadedFile("x.png", b"not really a png", content_type="image/png")
    with pytest.raises(CatalogError) as caught:
        services.product_image_add(
            actor=make_operator(), product=make_product(), upload=upload
        )
    assert caught.value.code == "bad_image"
    assert caught.value.message == "This file is not a JPEG, PNG or WebP photo."
    assert not ProductImage.objects.exists()
    assert list(media_root.iterdir()) == []


def test_gif_is_refused():
    with pytest.raises(CatalogError) as caught:
        services.product_image_add(
            actor=make_operator(),
            product=make_product(),
            upload=png_upload("a.gif", image_format="GIF"),
        )
    assert caught.value.code == "bad_image"


def test_too_many_pixels_is_refused(settings):
    settings.GROUPBUY_SNAP_MAX_PIXELS = 10
    with pytest.raises(CatalogError) as caught:
        services.product_image_add(
            actor=make_operator(), product=make_product(), upload=png_upload()
        )
    assert caught.value.code == "image_too_big"


def test_marking_another_photo_primary_moves_the_thumbnail(reference_events):
    # given
    operator = make_operator()
    product = make_product()
    first = services.product_image_add(
        actor=operator, product=product, upload=png_upload()
    )
    second = services.product_image_add(
        actor=operator, product=product, upload=png_upload()
    )
    # when
    services.product_image_update(actor=operator, image=second, is_primary=True)
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert reference_events == []


def test_reference_flag_can_be_switched(django_capture_on_commit_callbacks):
    operator = make_operator()
    image = services.product_image_add(
        actor=operator, product=make_product(), upload=png_upload()
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.product_image_update(actor=operator, image=image, is_reference=True)
    image.refresh_from_db()
    assert image.is_reference is True
    assert len(callbacks) == 1


def test_deleting_the_primary_photo_promotes_the_next_and_removes_the_file(
    django_capture_on_commit_callbacks, media_root
):
    # given
    operator = make_operator()
    product = make_product()
    first = services.product_image_add(
        actor=operator, product=product, upload=png_upload()
    )
    second = services.product_image_add(
        actor=operator, product=product, upload=png_upload()
    )
    path = media_root / first.image.name
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_delete(actor=operator, image=first)
    # then
    second.refresh_from_db()
    assert second.is_primary is True
    assert not path.exists()
    assert list(product.images.all()) == [second]


def test_only_product_editors_upload_photos():
    product = make_product()
    with pytest.raises(CatalogError) as caught:
        services.product_image_add(
            actor=make_merchant_member().user, product=product, upload=png_upload()
        )
    assert caught.value.status == 403
    assert not ProductImage.objects.exists()


def test_a_photo_is_stored_without_where_it_was_taken(media_root):
    # given a phone photo carrying its GPS position and the camera's make
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 50.0), 3: "E", 4: (121.0, 28.0, 30.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(
        buffer, format="JPEG", exif=exif.tobytes()
    )
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), "image/jpeg")
    # when a merchant's staff adds it to a product (public media)
    image = services.product_image_add(
        actor=make_operator(), product=make_product(), upload=upload
    )
    # then the stored file is the photo with no EXIF left
    with Image.open(media_root / image.image.name) as stored:
        assert (stored.format, stored.size) == ("JPEG", (16, 12))
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
