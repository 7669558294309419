"""The recognition engine each server process holds: pipeline plus indexes.

The pipeline (barcode → name by OCR → appearance) is built once per process,
lazily and under a lock, because two requests may arrive together. Its
indexes follow the catalog by themselves (see ``groupbuy.snap.indexes``), so
the pipeline is never rebuilt; requests share it.
"""

from __future__ import annotations

import logging
import threading

from groupbuy.snap.indexes import NameIndexProvider, ReferenceIndexStore
from groupbuy.snap.recognition.base import (
    Candidate,
    RecognitionContext,
    SnapImage,
)

logger = logging.getLogger(__name__)

# An appearance match names a product; its category is worth offering on its
# own only when the product match is this unsure.
CATEGORY_FROM_PRODUCT_BELOW = 0.5


class ReferenceStage:
    """Appearance: match the photo's local features against reference images."""

    name = "appearance"

    def __init__(self, references: ReferenceIndexStore, *, skip_above: float = 0.9):
        self.references = references
        self.skip_above = skip_above

    def run(self, image: SnapImage, context: RecognitionContext) -> list[Candidate]:
        if context.best_confidence() >= self.skip_above:
            return []
        index = self.references()
        if len(index) == 0:
            return []
        candidates = []
        for found in index.match(image.rgb):
            detail = {"inliers": found.inliers, "matches": found.matches}
            candidates.append(
                Candidate(
                    "product", found.product_id, found.confidence, "appearance", detail
                )
            )
            if found.category and found.confidence < CATEGORY_FROM_PRODUCT_BELOW:
                candidates.append(
                    Candidate(
                        "category",
                        found.category,
                        found.confidence,
                        "appearance",
                        detail,
                    )
                )
        return candidates


class Recogniser:
    """Recognise photos with the pipeline and this process's indexes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipeline = None
        self.names = NameIndexProvider()
        self.references = ReferenceIndexStore()

    def recognise(self, image: SnapImage):
        """Return the pipeline result: candidates, OCR lines and timings."""
        return self.pipeline().run(image)

    def pipeline(self):
        if self._pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    self._pipeline = self._build()
        return self._pipeline

    def _build(self):
        from groupbuy.snap.recognition.pipeline import build_pipeline

        return build_pipeline(
            self.names, appearance_stage=ReferenceStage(self.references)
        )

    def invalidate(self) -> None:
        """Make the next recognition check the catalog again."""
        self.names.invalidate()
        self.references.invalidate()

    def warm_up(self) -> None:
        """Load models and indexes now rather than on the first photo."""
        from groupbuy.snap.recognition.ocr import shared_ocr_engine

        shared_ocr_engine().warm_up()
        self.names()
        self.references()


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
