"""A file stored by a write whose transaction rolls back is deleted with it.

Found reading the upload services: a product photo, a demand photo or a voice
note was stored first and its row saved after, in one transaction; when
anything later in that transaction failed (the audit row, a constraint, the
caller's own transaction around it), the row went and the file stayed, named
by nothing, never cleaned up. Snaps cleaned up their own, in their own way.
``core.storage_full.field_file_save`` now deletes what it stored unless the
transaction commits.
"""

import pytest
from django.db import transaction

from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.services import images as catalog_images
from groupbuy.catalog.tests.factories import make_operator, make_product, make_user
from groupbuy.ops.tests.test_storage_full import files_under, photo

pytestmark = pytest.mark.django_db


class Refused(Exception):
    """What goes wrong in the transaction after the file was stored."""


def refuse(*args, **kwargs):
    raise Refused


@pytest.fixture
def storage_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.GROUPBUY_SHARING_PRIVATE_DIR = str(tmp_path / "sharing")
    return tmp_path


def test_a_product_photo_whose_audit_fails_leaves_no_file(storage_roots, monkeypatch):
    # given: the audit row, written after the photo is stored, fails
    product = make_product()
    monkeypatch.setattr(catalog_images, "audit_log", refuse)
    # when
    with pytest.raises(Refused):
        catalog_images.product_image_add(
            actor=make_operator(), product=product, upload=photo()
        )
    # then: neither the row nor the file
    assert not ProductImage.objects.exists()
    assert files_under(storage_roots) == []


def test_a_product_photo_in_a_transaction_rolled_back_later_leaves_no_file(
    storage_roots,
):
    # given: the photo is added and stored inside a larger transaction…
    product = make_product()
    with pytest.raises(Refused), transaction.atomic():
        image = catalog_images.product_image_add(
            actor=make_operator(), product=product, upload=photo()
        )
        assert files_under(storage_roots) == [str(image.image.path)]
        # when: …which fails after the service returned
        raise Refused
    # then
    assert not ProductImage.objects.exists()
    assert files_under(storage_roots) == []


def test_a_rolled_back_savepoint_takes_its_file_and_keeps_the_others(storage_roots):
    # given: two photos in one transaction, the second in a savepoint
    product = make_product()
    operator = make_operator()
    with transaction.atomic():
        kept = catalog_images.product_image_add(
            actor=operator, product=product, upload=photo()
        )
        with pytest.raises(Refused), transaction.atomic():
            catalog_images.product_image_add(
                actor=operator, product=product, upload=photo()
            )
            # when: the savepoint rolls back
            raise Refused
        # then: only its photo's file went
        assert files_under(storage_roots) == [str(kept.image.path)]


@pytest.mark.django_db(transaction=True)
def test_a_committed_photo_keeps_its_file(storage_roots):
    # given / when: a photo added in a transaction that commits
    image = catalog_images.product_image_add(
        actor=make_operator(), product=make_product(), upload=photo()
    )
    # then: the file is there for good
    assert files_under(storage_roots) == [str(image.image.path)]
    assert ProductImage.objects.get().image.read() == image.image.read()


def test_a_demand_photo_whose_audit_fails_leaves_no_file(storage_roots, monkeypatch):
    from groupbuy.demands.services import photos as demand_photos
    from groupbuy.demands.tests.factories import make_demand

    demand = make_demand()
    monkeypatch.setattr(demand_photos, "audit_log", refuse)
    with pytest.raises(Refused):
        demand_photos.demand_photo_add(
            actor=demand.initiator, demand=demand, upload=photo()
        )
    assert not demand.photos.exists()
    assert files_under(storage_roots) == []


def test_a_voice_note_whose_share_fails_leaves_no_file(storage_roots, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groupbuy.sharing.contacts import Contact
    from groupbuy.sharing.models import Share
    from groupbuy.sharing.services import shares as sharing_shares
    from groupbuy.sharing.tests.factories import make_product as share_product
    from groupbuy.sharing.tests.factories import make_user as share_user

    # given: the share's audit row, written after its voice note, fails
    monkeypatch.setattr(sharing_shares, "audit_log", refuse)
    note = SimpleUploadedFile("note.ogg", b"OggS\x00\x02" + b"\x00" * 200, "audio/ogg")
    # when
    with pytest.raises(Refused):
        sharing_shares.share_send(
            actor=share_user(),
            product=share_product(),
            contacts=[Contact(name="", address="+8613912340001")],
            comment="Listen",
            voice_note=note,
            idempotency_key="voice-rolled-back",
        )
    # then
    assert not Share.objects.exists()
    assert files_under(storage_roots) == []


def test_a_snap_in_a_transaction_rolled_back_later_leaves_no_photo(storage_roots):
    from groupbuy.snap.models import Snap
    from groupbuy.snap.services import snap_submit
    from groupbuy.snap.tests.helpers import FakeRecogniser, upload

    with pytest.raises(Refused), transaction.atomic():
        snap_submit(actor=make_user(), upload=upload(), recogniser=FakeRecogniser())
        assert len(files_under(storage_roots)) == 1
        raise Refused
    assert not Snap.objects.exists()
    assert files_under(storage_roots) == []
