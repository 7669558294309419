"""Retraining the category model from the catalog, and category-only answers."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_category,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification
from groupbuy.snap.classifier_store import STORAGE_NAME
from groupbuy.snap.engine import Recogniser
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import DemandSignal
from groupbuy.snap.recognition.base import Candidate, RecognitionContext
from groupbuy.snap.services import snap_submit
from groupbuy.snap.services.training import classifier_retrain_request
from groupbuy.snap.tests.helpers import blank_jpeg, make_open_deal, textured_jpeg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_recogniser")]


def add_reference(product, data: bytes) -> ProductImage:
    image = ProductImage(product=product, is_reference=True)
    image.image.save("reference.jpg", ContentFile(data), save=False)
    image.save()
    return image


def two_categories_of_references():
    fruit, tea = make_category(slug="fruit"), make_category(slug="tea")
    for seed in range(2):
        add_reference(make_product(category=fruit), textured_jpeg(seed=seed))
        add_reference(make_product(category=tea), textured_jpeg(seed=10 + seed))
    return fruit, tea


def test_retraining_is_for_operators():
    # when
    with pytest.raises(SnapError) as refused:
        classifier_retrain_request(actor=make_user())
    # then
    assert refused.value.status == 403


def test_retraining_needs_photos_of_two_categories(media_root):
    # given
    add_reference(make_product(category=make_category()), textured_jpeg())
    # when
    with pytest.raises(SnapError) as refused:
        classifier_retrain_request(actor=make_operator())
    # then
    assert (refused.value.code, refused.value.status) == ("too_few_categories", 409)


def test_retraining_saves_a_model_the_engine_then_uses(
    media_root, snap_data_dir, small_encoder, django_capture_on_commit_callbacks
):
    # given
    two_categories_of_references()
    operator = make_operator(preferred_language="en")
    recogniser = Recogniser()
    _before, version_before = recogniser.classifiers.current()
    # when: the job runs at once (Huey's immediate mode in tests)
    with django_capture_on_commit_callbacks(execute=True):
        classifier_retrain_request(actor=operator)
    # then
    assert (media_root / STORAGE_NAME).exists()
    recogniser.classifiers.invalidate()
    model, version = recogniser.classifiers.current()
    assert version != version_before
    assert sorted(model.labels) == ["fruit", "tea"]
    notice = Notification.objects.get(recipient=operator)
    assert notice.kind == "snap.classifier.retrained"
    assert notice.body == "It learnt 2 categories from 4 photos."
    assert AuditEntry.objects.filter(action="snap.classifier.retrained").count() == 1


def test_the_retrain_endpoint_answers_202(media_root, snap_data_dir, small_encoder):
    # given
    two_categories_of_references()
    client = Client()
    client.force_login(make_operator())
    # when
    response = client.post("/api/snap/classifier/retrain")
    # then
    assert response.status_code == 202
    assert response.json() == {"queued": True}


class CategoryOnly:
    """A recogniser that can only tell the kind of product."""

    def __init__(self, slug: str, confidence: float = 0.8):
        self.slug, self.confidence = slug, confidence

    def recognise(self, image):
        context = RecognitionContext()
        context.candidates.append(
            Candidate("category", self.slug, self.confidence, "appearance", {})
        )
        return context


def test_a_category_guess_shows_that_categorys_open_deals():
    # given
    fruit = make_category(slug="fruit", name_en="Fruit")
    apples = make_category(slug="apples", parent=fruit)
    deal = make_open_deal(make_product(category=apples))
    make_open_deal(make_product(category=make_category()))
    upload = SimpleUploadedFile("photo.jpg", blank_jpeg(), "image/jpeg")
    # when
    outcome = snap_submit(
        actor=make_user(), upload=upload, recogniser=CategoryOnly("fruit")
    )
    # then
    assert outcome.resolution.best is None
    assert outcome.resolution.category == fruit
    assert [d.public_id for d in outcome.category_deals] == [deal.public_id]
    assert outcome.snap.category == fruit
    assert outcome.snap.status == "not_recognised"
    assert not DemandSignal.objects.exists()


def test_an_unsure_category_guess_is_not_shown():
    # given
    make_category(slug="fruit")
    upload = SimpleUploadedFile("photo.jpg", blank_jpeg(), "image/jpeg")
    # when
    outcome = snap_submit(
        actor=None, upload=upload, recogniser=CategoryOnly("fruit", confidence=0.1)
    )
    # then
    assert outcome.resolution.category is None
    assert outcome.category_deals == []
