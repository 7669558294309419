"""The appearance stage's reference index follows the catalog's recognition
photos in every process, not only the one that changed them."""

import pytest

from groupbuy.catalog import services
from groupbuy.catalog.tests.factories import make_operator, make_product
from groupbuy.catalog.tests.test_services_images import png_upload
from groupbuy.snap.indexes import ReferenceIndexStore

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
