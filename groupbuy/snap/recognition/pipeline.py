"""Run the recognition stages in order and merge what they found.

Stages run cheapest and surest first (barcode → name → appearance). Once a
candidate is near-certain (a barcode with a valid check digit) the later,
slower stages are skipped. A stage that fails is logged and skipped: one
broken model must not turn every snap into an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .barcode import BarcodeStage
from .base import Candidate, Method, RecognitionContext, SnapImage, Stage, TargetKind
from .ocr import OcrEngine, OcrNameStage, shared_ocr_engine
from .text_match import ProductNameIndex

logger = logging.getLogger(__name__)

NEAR_CERTAIN = 0.95


@dataclass(frozen=True)
class MergedCandidate:
    """One target with the best confidence any stage gave it.

    ``method`` and ``detail`` come from the most confident finding;
    ``methods`` lists every stage that found the target, most confident first.
    """

    kind: TargetKind
    value: str
    confidence: float
    method: Method
    methods: tuple[Method, ...]
    detail: dict


@dataclass
class RecognitionResult:
    candidates: list[MergedCandidate]  # best first
    timings_ms: dict[str, float]  # per stage run, plus "total"
    ocr_lines: list[str]
    skipped_stages: list[str] = field(default_factory=list)
    failed_stages: list[str] = field(default_factory=list)

    @property
    def best(self) -> MergedCandidate | None:
        """Return the best product-naming candidate; a category only when none is.

        A broad category ("fruit" at 0.98) says less than a product at 0.7.
        """
        naming = [c for c in self.candidates if c.kind != "category"]
        return (naming or self.candidates or [None])[0]

    @property
    def is_near_certain(self) -> bool:
        return self.best is not None and self.best.confidence >= NEAR_CERTAIN


# The shorter side below which a picture is not looked at (a barcode's bars,
# a label's characters and a product's shape all need more).
MIN_SIDE_PX = 16


class Pipeline:
    """Run ``stages`` in order on one photo; see the module docstring."""

    def __init__(
        self, stages: Sequence[Stage], *, near_certain: float = NEAR_CERTAIN
    ) -> None:
        self.stages = list(stages)
        self.near_certain = near_certain

    def run(self, image: SnapImage) -> RecognitionResult:
        context = RecognitionContext()
        skipped, failed = [], []
        started = time.perf_counter()
        # A picture a few pixels across (or a thin strip) shows nothing any
        # stage can read, and scaling it down for a stage leaves no pixels at
        # all, which OpenCV refuses with an error: it is not recognised.
        too_small = min(image.size) < MIN_SIDE_PX
        for stage in self.stages:
            if too_small or context.best_confidence() >= self.near_certain:
                skipped.append(stage.name)
                continue
            stage_started = time.perf_counter()
            try:
                context.candidates.extend(stage.run(image, context))
            except Exception:
                logger.exception("snap recognition stage %r failed", stage.name)
                failed.append(stage.name)
            context.timings_ms[stage.name] = _ms_since(stage_started)
        context.timings_ms["total"] = _ms_since(started)
        return RecognitionResult(
            candidates=merge_candidates(context.candidates),
            timings_ms=context.timings_ms,
            ocr_lines=context.ocr_lines,
            skipped_stages=skipped,
            failed_stages=failed,
        )


def merge_candidates(candidates: Sequence[Candidate]) -> list[MergedCandidate]:
    """Return one entry per (kind, value), best confidence first."""
    by_target: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        by_target.setdefault((candidate.kind, candidate.value), []).append(candidate)
    merged = []
    for found in by_target.values():
        found.sort(key=lambda candidate: -candidate.confidence)
        best = found[0]
        merged.append(
            MergedCandidate(
                kind=best.kind,
                value=best.value,
                confidence=best.confidence,
                method=best.method,
                methods=tuple(dict.fromkeys(candidate.method for candidate in found)),
                detail=best.detail,
            )
        )
    merged.sort(key=lambda candidate: -candidate.confidence)
    return merged


def build_pipeline(
    name_index: ProductNameIndex | Callable[[], ProductNameIndex],
    appearance_stage: Stage | None = None,
    ocr_engine: OcrEngine | None = None,
    gtin_known: Callable[[str], bool] | None = None,
) -> Pipeline:
    """Return the default pipeline: barcode → name (OCR) → appearance.

    ``gtin_known`` says whether the catalog carries a GTIN: it confirms an
    EAN/UPC code that only a barcode retry read.
    """
    stages: list[Stage] = [
        BarcodeStage(gtin_known=gtin_known),
        OcrNameStage(ocr_engine or shared_ocr_engine(), name_index),
    ]
    if appearance_stage is not None:
        stages.append(appearance_stage)
    return Pipeline(stages)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
