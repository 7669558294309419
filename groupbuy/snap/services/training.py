"""Retraining the category classifier on the catalog's own photos.

Reference images (operators' labels among them) are labelled with their
product's category slug, and the category tree gives the parents, so a photo
that is surely "fruit" but not surely which fruit still says "fruit". The model
is published to the file storage, where every server process finds it (see
``groupbuy.snap.classifier_store``).
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.models import Category
from groupbuy.catalog.selectors import reference_images
from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.notify.services import notification_enqueue
from groupbuy.snap.classifier_store import catalog_model_publish
from groupbuy.snap.errors import SnapError
from groupbuy.snap.permissions import require_operator
from groupbuy.snap.recognition.image import SnapImageError, load_snap_image

logger = logging.getLogger(__name__)

MIN_CATEGORIES = 2


def classifier_retrain_request(*, actor) -> None:
    """Queue a retraining (operators); the operator is notified when it is done."""
    require_operator(actor)
    labelled = _labelled_images().values_list("product__category__slug", flat=True)
    if len(set(labelled)) < MIN_CATEGORIES:
        raise SnapError(
            "too_few_categories",
            _(
                "Retraining needs reference photos of products in at least "
                "%(count)d categories."
            )
            % {"count": MIN_CATEGORIES},
            status=409,
        )
    from groupbuy.snap.tasks import snap_classifier_retrain

    with transaction.atomic():
        audit_log(
            actor=actor,
            action="snap.classifier.retrain_requested",
            obj=actor,
            data={"photos": len(labelled)},
        )
        after_commit(snap_classifier_retrain, actor.pk)


def _labelled_images():
    return reference_images().filter(product__category__isnull=False)


def _category_parents() -> dict[str, str]:
    return {
        slug: parent_slug
        for slug, parent_slug in Category.objects.filter(
            parent__isnull=False
        ).values_list("slug", "parent__slug")
    }


def _samples(images):
    for image in images:
        try:
            with image.image.open("rb") as handle:
                picture = load_snap_image(handle.read())
        except (OSError, SnapImageError) as error:
            logger.warning("snap: skipping reference %s: %s", image.public_id, error)
            continue
        yield picture.rgb, image.product.category.slug


def classifier_retrain(*, requested_by=None) -> dict:
    """Train and save the catalog's category model; return what it learnt from.

    Runs in a worker. Tells ``requested_by`` how it went.
    """
    from groupbuy.snap.recognition.classifier import train_category_classifier

    started = time.perf_counter()
    images = list(_labelled_images().select_related("product__category"))
    try:
        model = train_category_classifier(_samples(images), parents=_category_parents())
    except (ValueError, OSError) as error:
        logger.warning("snap: category model not retrained: %s", error)
        _tell(requested_by, is_done=False, detail=str(error))
        return {"trained": False, "error": str(error)}
    catalog_model_publish(model)
    summary = {
        "trained": True,
        "photos": model.metadata.get("training_samples", len(images)),
        "categories": len(model.labels),
        "seconds": round(time.perf_counter() - started, 1),
    }
    with transaction.atomic():
        if requested_by is not None:
            audit_log(
                actor=requested_by,
                action="snap.classifier.retrained",
                obj=requested_by,
                data=summary,
            )
        _tell(requested_by, is_done=True, detail=summary)
    return summary


def _tell(operator, *, is_done: bool, detail) -> None:
    if operator is None:
        return
    if is_done:
        title = gettext_lazy("The category model is retrained")
        body = format_lazy(
            gettext_lazy("It learnt {categories} categories from {photos} photos."),
            categories=detail["categories"],
            photos=detail["photos"],
        )
    else:
        title = gettext_lazy("The category model could not be retrained")
        body = detail
    notification_enqueue(
        recipient=operator,
        kind="snap.classifier.retrained" if is_done else "snap.classifier.failed",
        title=title,
        body=body,
        channels=["in_app"],
    )
