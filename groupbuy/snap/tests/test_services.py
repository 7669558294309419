"""Snap services: labelling teaches appearance, choosing, retention, deleting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_category,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import DemandSignal, Snap
from groupbuy.snap.resolve import candidates_from_result, resolve_candidates
from groupbuy.snap.services import (
    snap_alternative_choose,
    snap_label,
    snap_photo_delete,
    snap_photos_purge,
    snap_submit,
)
from groupbuy.snap.tests.helpers import (
    blank_jpeg,
    make_open_deal,
    stored_snap_files,
    textured_jpeg,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_recogniser")]


def submit(data: bytes, actor=None) -> Snap:
    upload = SimpleUploadedFile("photo.jpg", data, "image/jpeg")
    return snap_submit(actor=actor, upload=upload).snap


# --- Labelling ----------------------------------------------------------------------


def test_labelling_makes_the_next_snap_of_it_recognised_by_appearance(
    media_root, django_capture_on_commit_callbacks
):
    # given: a product nobody can recognise yet
    shopper = make_user()
    product = make_product(gtin="", name_zh="青花瓷碗", name_en="Blue and white bowl")
    first = submit(textured_jpeg(seed=3), actor=shopper)
    assert first.status == Snap.Status.NOT_RECOGNISED
    # when: an operator labels the photo
    with django_capture_on_commit_callbacks(execute=True):
        snap_label(actor=make_operator(), snap=first, product=product)
    second = submit(textured_jpeg(seed=3, angle=8, scale=0.9), actor=make_user())
    # then: appearance is not calibrated yet, so it offers the product and asks
    assert second.status == Snap.Status.UNCONFIRMED
    resolution = resolve_candidates(candidates_from_result(second.result))
    top = resolution.matches[0]
    assert (top.product, top.method) == (product, "appearance")
    assert top.confidence >= 0.5


def test_labelling_with_an_existing_product_attaches_the_photo_as_reference():
    # given
    shopper = make_user()
    snap = submit(blank_jpeg(), actor=shopper)
    product = make_product()
    operator = make_operator()
    # when
    labelled = snap_label(actor=operator, snap=snap, product=product)
    # then
    assert labelled.status == Snap.Status.LABELLED
    assert (labelled.product, labelled.labelled_by) == (product, operator)
    image = ProductImage.objects.get(product=product)
    assert image.is_reference is True
    assert labelled.reference_image == image
    entry = AuditEntry.objects.get(action="snap.snap.labelled")
    assert entry.data == {
        "product": product.public_id,
        "reference_image": image.public_id,
    }
    signal = DemandSignal.objects.get()
    assert (signal.product, signal.count) == (product, 0)
    assert signal.requests.get().user == shopper


def test_labelling_with_a_new_product_creates_it():
    # given
    snap = submit(blank_jpeg())
    category = make_category()
    # when
    labelled = snap_label(
        actor=make_operator(),
        snap=snap,
        new_product={
            "name_zh": "竹编篮",
            "name_en": "Bamboo basket",
            "category": category,
        },
    )
    # then
    assert labelled.product.name_en == "Bamboo basket"
    assert labelled.product.category == category
    assert labelled.product.images.get().is_reference is True
    assert not DemandSignal.objects.exists()  # an anonymous snap asks for nothing


def test_labelling_again_with_the_same_product_changes_nothing():
    # given
    snap = submit(blank_jpeg())
    product = make_product()
    operator = make_operator()
    snap_label(actor=operator, snap=snap, product=product)
    # when
    again = snap_label(actor=operator, snap=snap, product=product)
    # then
    assert again.product == product
    assert ProductImage.objects.filter(product=product).count() == 1
    assert AuditEntry.objects.filter(action="snap.snap.labelled").count() == 1


def test_labelling_with_another_product_is_refused():
    # given
    snap = submit(blank_jpeg())
    operator = make_operator()
    snap_label(actor=operator, snap=snap, product=make_product())
    other = make_product()
    # when
    with pytest.raises(SnapError) as refused:
        snap_label(actor=operator, snap=snap, product=other)
    # then
    assert (refused.value.code, refused.value.status) == ("already_labelled", 409)
    assert not ProductImage.objects.filter(product=other).exists()


def test_only_operators_label():
    # given
    snap = submit(blank_jpeg())
    # when
    with pytest.raises(SnapError) as refused:
        snap_label(actor=make_user(), snap=snap, product=make_product())
    # then
    assert refused.value.status == 403
    assert Snap.objects.get().status == Snap.Status.NOT_RECOGNISED
    assert not ProductImage.objects.exists()


def test_a_bad_new_product_leaves_the_snap_and_catalog_untouched():
    # given
    snap = submit(blank_jpeg())
    taken = make_product()
    # when
    with pytest.raises(CatalogError) as refused:
        snap_label(
            actor=make_operator(),
            snap=snap,
            new_product={"name_zh": "重复", "gtin": taken.gtin},
        )
    # then
    assert refused.value.code == "gtin_taken"
    assert Snap.objects.get().status == Snap.Status.NOT_RECOGNISED
    assert not ProductImage.objects.exists()


def test_a_snap_whose_photo_is_gone_cannot_be_labelled():
    # given
    owner = make_user()
    snap = submit(blank_jpeg(), actor=owner)
    snap_photo_delete(actor=owner, snap=snap)
    # when
    with pytest.raises(SnapError) as refused:
        snap_label(actor=make_operator(), snap=snap, product=make_product())
    # then
    assert (refused.value.code, refused.value.status) == ("photo_deleted", 409)


# --- Choosing an alternative ---------------------------------------------------------


def _snap_with_guesses(actor, *products) -> Snap:
    snap = submit(blank_jpeg(), actor=actor)
    snap.result = {
        "candidates": [
            {
                "kind": "product",
                "value": product.public_id,
                "confidence": 0.4 - index * 0.1,
                "method": "name",
                "detail": {},
            }
            for index, product in enumerate(products)
        ]
    }
    snap.save(update_fields=["result"])
    return snap


def test_choosing_an_alternative_records_it_and_counts_the_owners_demand():
    # given
    owner = make_user()
    kettle, lamp = make_product(), make_product()
    snap = _snap_with_guesses(owner, kettle, lamp)
    # when
    chosen = snap_alternative_choose(actor=owner, snap=snap, product=lamp)
    # then
    assert (chosen.product, chosen.status, chosen.method) == (
        lamp,
        Snap.Status.RECOGNISED,
        "name",
    )
    assert chosen.result["chosen"] == lamp.public_id
    assert DemandSignal.objects.get().product == lamp


def test_choosing_a_product_that_was_not_suggested_is_refused():
    # given
    owner = make_user()
    snap = _snap_with_guesses(owner, make_product())
    # when
    with pytest.raises(SnapError) as refused:
        snap_alternative_choose(actor=owner, snap=snap, product=make_product())
    # then
    assert refused.value.code == "not_a_candidate"
    assert not DemandSignal.objects.exists()


def test_choosing_a_product_with_an_open_deal_counts_no_demand():
    # given
    owner = make_user()
    lamp = make_product()
    snap = _snap_with_guesses(owner, lamp)
    make_open_deal(lamp)
    # when
    snap_alternative_choose(actor=owner, snap=snap, product=lamp)
    # then
    assert not DemandSignal.objects.exists()


# --- Retention and deleting ----------------------------------------------------


def test_retention_deletes_old_photos_only(
    settings, private_root, django_capture_on_commit_callbacks
):
    # given
    settings.GROUPBUY_SNAP_PHOTO_RETENTION_DAYS = 30
    now = timezone.now()
    old = submit(blank_jpeg(seed=1))
    recent = submit(blank_jpeg(seed=2))
    Snap.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    Snap.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=29))
    old_file = private_root / old.photo.name
    # when
    with django_capture_on_commit_callbacks(execute=True):
        purged = snap_photos_purge(now=now)
    # then
    assert purged == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.photo.name, old.photo_deleted_at) == ("", now)
    assert recent.photo.name != ""
    assert recent.photo_deleted_at is None
    assert not old_file.exists()
    assert stored_snap_files() == [private_root / recent.photo.name]


def test_retention_keeps_reference_images_made_from_labelled_photos(
    settings, media_root, django_capture_on_commit_callbacks
):
    # given
    settings.GROUPBUY_SNAP_PHOTO_RETENTION_DAYS = 1
    snap = submit(blank_jpeg())
    snap = snap_label(actor=make_operator(), snap=snap, product=make_product())
    Snap.objects.filter(pk=snap.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        snap_photos_purge()
    # then
    snap.refresh_from_db()
    assert snap.photo.name == ""
    reference = snap.reference_image
    assert (media_root / reference.image.name).exists()


def test_the_daily_job_purges(settings, media_root):
    # given
    from groupbuy.snap.tasks import snap_photos_purge_daily

    settings.GROUPBUY_SNAP_PHOTO_RETENTION_DAYS = 0
    submit(blank_jpeg())
    # when
    result = snap_photos_purge_daily.call_local()
    # then
    assert result == 1
    assert Snap.objects.get().photo.name == ""


def test_a_stranger_cannot_delete_someones_photo():
    # given
    snap = submit(blank_jpeg(), actor=make_user())
    # when
    with pytest.raises(SnapError) as refused:
        snap_photo_delete(actor=make_user(), snap=snap)
    # then
    assert refused.value.status == 403
    assert Snap.objects.get().photo.name != ""


def test_a_failing_database_write_leaves_no_photo_file(media_root, monkeypatch):
    # given
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Snap, "save", broken_save)
    # when
    with pytest.raises(RuntimeError):
        submit(blank_jpeg(), actor=make_user())
    # then
    assert stored_snap_files(media_root) == []


def test_a_scanned_deal_link_answers_that_deals_product_and_deals():
    # given: a QR code with a deal link, read by the barcode stage
    from groupbuy.snap.recognition.base import Candidate, RecognitionContext

    product = make_product()
    deal = make_open_deal(product)

    class DealLink:
        def recognise(self, image):
            context = RecognitionContext()
            context.candidates.append(
                Candidate("deal", deal.public_id, 0.99, "barcode", {})
            )
            return context

    upload = SimpleUploadedFile("photo.jpg", blank_jpeg(), "image/jpeg")
    # when
    outcome = snap_submit(actor=make_user(), upload=upload, recogniser=DealLink())
    # then
    assert outcome.resolution.best.product == product
    assert outcome.resolution.best.deal == deal
    assert [d.public_id for d in outcome.deals] == [deal.public_id]


def test_a_draft_deals_link_reveals_nothing():
    # given
    from groupbuy.snap.recognition.base import Candidate, RecognitionContext

    draft = make_open_deal(make_product(), is_open=False)

    class DealLink:
        def recognise(self, image):
            context = RecognitionContext()
            context.candidates.append(
                Candidate("deal", draft.public_id, 0.99, "barcode", {})
            )
            return context

    upload = SimpleUploadedFile("photo.jpg", blank_jpeg(), "image/jpeg")
    # when
    outcome = snap_submit(actor=None, upload=upload, recogniser=DealLink())
    # then
    assert outcome.resolution.best is None
    assert outcome.snap.status == Snap.Status.NOT_RECOGNISED
