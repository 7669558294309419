"""The appearance stage's reference index follows the catalog's recognition
photos in every process, not only the one that changed them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groupbuy.catalog import services
from groupbuy.catalog.tests.factories import (
    make_category,
    make_operator,
    make_product,
)
from groupbuy.catalog.tests.test_services_images import png_upload
from groupbuy.snap.indexes import ReferenceIndexStore
from groupbuy.snap.recognition.image import load_snap_image
from groupbuy.snap.tests.helpers import textured_jpeg

pytestmark = pytest.mark.django_db


def test_another_process_drops_a_stopped_photo_and_adds_a_started_one(
    settings, tmp_path
):
    # given three photos of a product, the first and the last for recognition,
    # and another process's index of them (this process's signal never
    # reaches it)
    settings.MEDIA_ROOT = tmp_path / "media"
    operator = make_operator()
    product = make_product()
    first, second, third = (
        services.product_image_add(
            actor=operator,
            product=product,
            upload=png_upload(size=(64, 48)),
            is_reference=is_reference,
        )
        for is_reference in (True, False, True)
    )
    other_process = ReferenceIndexStore(tmp_path / "index.npz", interval_s=0)
    assert set(other_process().keys()) == {first.public_id, third.public_id}
    # when an owner stops the first and uses the second instead (as many
    # recognition photos as before, the newest the same)
    services.product_image_update(actor=operator, image=first, is_reference=False)
    services.product_image_update(actor=operator, image=second, is_reference=True)
    # then the other process matches against what the catalog now says
    assert set(other_process().keys()) == {second.public_id, third.public_id}


def test_another_process_names_a_products_new_category(settings, tmp_path):
    # given a product with a recognition photo, filed under drinks, and another
    # process's index of it
    settings.MEDIA_ROOT = tmp_path / "media"
    operator = make_operator()
    drinks, snacks = make_category(slug="drinks"), make_category(slug="snacks")
    product = make_product(category=drinks)
    services.product_image_add(
        actor=operator,
        product=product,
        upload=SimpleUploadedFile("pack.jpg", textured_jpeg(seed=5), "image/jpeg"),
        is_reference=True,
    )
    other_process = ReferenceIndexStore(tmp_path / "index.npz", interval_s=0)
    snap = load_snap_image(textured_jpeg(seed=5, angle=20, scale=0.8)).gray
    assert other_process.match(snap)[0].category == "drinks"
    # when an operator moves the product to snacks
    services.product_update(actor=operator, product=product, category=snacks)
    # then the other process's matches name the new category
    best = other_process.match(snap)[0]
    assert (best.product_id, best.category) == (product.public_id, "snacks")
