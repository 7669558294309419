"""The recognition engine each server process holds: pipeline plus indexes.

The pipeline (barcode → name by OCR → appearance) is built once per process,
lazily and under a lock, because two requests may arrive together. Its
indexes follow the catalog by themselves (see ``groupbuy.snap.indexes``); the
pipeline is rebuilt only when the category model file changes (an operator had
it retrained). Requests share it.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groupbuy.snap.recognition.base import SnapImage

logger = logging.getLogger(__name__)


class Recogniser:
    """Recognise photos with the pipeline and this process's indexes."""

    def __init__(self) -> None:
        # The indexes and the classifier import numpy, OpenCV and rapidfuzz
        # (~0.3 s of CPU): loaded with the first recognition, not with every
        # process that imports this module (its receivers are connected at start).
        from groupbuy.snap.classifier_store import ClassifierStore
        from groupbuy.snap.indexes import NameIndexProvider, ReferenceIndexStore

        self._lock = threading.Lock()
        self._pipeline = None
        self._classifier_version = None
        self.names = NameIndexProvider()
        self.references = ReferenceIndexStore()
        self.classifiers = ClassifierStore()

    def recognise(self, image: SnapImage):
        """Return the pipeline result: candidates, OCR lines and timings."""
        return self.pipeline().run(image)

    def pipeline(self):
        classifier, version = self.classifiers.current()
        if self._pipeline is None or version != self._classifier_version:
            with self._lock:
                if self._pipeline is None or version != self._classifier_version:
                    self._pipeline = self._build(classifier)
                    self._classifier_version = version
        return self._pipeline

    def _build(self, classifier):
        from groupbuy.snap.recognition.appearance import AppearanceStage
        from groupbuy.snap.recognition.pipeline import build_pipeline

        appearance = AppearanceStage(self.references, classifier)
        return build_pipeline(
            self.names, appearance_stage=appearance, gtin_known=_catalog_has_gtin
        )

    def invalidate(self) -> None:
        """Make the next recognition check the catalog again."""
        self.names.invalidate()
        self.references.invalidate()
        self.classifiers.invalidate()

    def warm_up(self) -> None:
        """Load models and indexes now rather than on the first photo."""
        from groupbuy.snap.recognition.ocr import shared_ocr_engine

        shared_ocr_engine().warm_up()
        self.names()
        self.references()


def _catalog_has_gtin(gtin: str) -> bool:
    from groupbuy.catalog.selectors import product_find_by_gtin

    return product_find_by_gtin(code=gtin) is not None


_recogniser: Recogniser | None = None
_recogniser_lock = threading.Lock()


def get_recogniser() -> Recogniser:
    """Return this process's engine (created on first use)."""
    global _recogniser
    if _recogniser is None:
        with _recogniser_lock:
            if _recogniser is None:
                _recogniser = Recogniser()
    return _recogniser


def reference_images_changed(product_public_id: str) -> None:
    """Bring this process's appearance index up to date for one product."""
    if _recogniser is not None:
        _recogniser.references.product_changed(product_public_id)


_models_warming = threading.Event()


def warm_up_models_soon() -> None:
    """Load the OCR and category models in the background, once per process.

    The snap page calls this when it opens: by the time the shopper has taken
    the photo, the first recognition no longer waits seconds for model loading.
    Only models load here (no database work), so it is safe from any thread.
    """
    if _models_warming.is_set():
        return
    _models_warming.set()

    def load() -> None:
        from groupbuy.snap.recognition.ocr import shared_ocr_engine

        try:
            shared_ocr_engine().warm_up()
            get_recogniser().classifiers.current()
        except Exception:  # a failed warm-up only means a slower first snap
            logger.exception("snap: model warm-up failed")

    threading.Thread(target=load, name="snap-warm-up", daemon=True).start()
