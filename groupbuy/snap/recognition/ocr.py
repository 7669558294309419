"""Read label text with RapidOCR and turn it into product candidates.

RapidOCR ships its ONNX models inside the wheel, so nothing is downloaded.
The models load once per process, on first use (or ``warm_up()`` at start),
and inference runs under a lock: RapidOCR keeps per-call state on the object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .barcode import printed_gtins
from .base import Candidate, RecognitionContext, SnapImage
from .text_match import ProductNameIndex

# Detection cost grows with the pixel count; labels photographed to be read
# stay legible at this size (p50 ~0.3 s a photo on one core).
OCR_LONG_SIDE = 960
# One inference thread: onnxruntime's spinning worker threads slow every
# request down several times on a busy two-core server.
OCR_THREADS = 1
MIN_LINE_SCORE = 0.5
# A name read off a label is good evidence but never certain: similar
# products share most of their name, so it stays below a barcode's confidence.
NAME_CONFIDENCE_SCALE = 0.9
# Skip OCR when an earlier stage is already this sure (a valid barcode).
SKIP_OCR_ABOVE = 0.95
# Barcode digits read as text: the check digit holds, but OCR may have read
# another number on the label that happens to pass it.
PRINTED_GTIN_CONFIDENCE = 0.85


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[tuple[float, float], ...]  # 4 corners in SnapImage.rgb pixels
    score: float


class OcrEngine:
    """A lazily loaded, thread-safe RapidOCR that reads a downscaled copy."""

    def __init__(
        self,
        *,
        long_side: int = OCR_LONG_SIDE,
        threads: int = OCR_THREADS,
        min_line_score: float = MIN_LINE_SCORE,
    ) -> None:
        self.long_side = long_side
        self.threads = threads
        self.min_line_score = min_line_score
        self._engine = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the models now instead of on the first photo (~1 s)."""
        self._loaded()

    def read(self, image: SnapImage) -> list[OcrLine]:
        """Return the text lines in reading order (top to bottom, left to right)."""
        rgb, scale = _shrink(image.rgb, self.long_side)
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        engine = self._loaded()
        with self._run_lock:
            results, _ = engine(bgr, text_score=self.min_line_score)
        lines = []
        for box, text, score in results or []:
            text = text.strip()
            if text:
                corners = tuple((x / scale, y / scale) for x, y in box)
                lines.append(OcrLine(text=text, box=corners, score=float(score)))
        return lines

    def _loaded(self):
        if self._engine is None:
            with self._load_lock:
                if self._engine is None:
                    from rapidocr_onnxruntime import RapidOCR

                    # "max": never upscale for detection; we size the input.
                    self._engine = RapidOCR(
                        det_limit_type="max",
                        intra_op_num_threads=self.threads,
                        inter_op_num_threads=self.threads,
                    )
        return self._engine


_shared_engine: OcrEngine | None = None
_shared_engine_lock = threading.Lock()


def shared_ocr_engine() -> OcrEngine:
    """Return the process-wide engine (models load on its first use)."""
    global _shared_engine
    with _shared_engine_lock:
        if _shared_engine is None:
            _shared_engine = OcrEngine()
        return _shared_engine


def _shrink(rgb: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    height, width = rgb.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    if scale == 1.0:
        return rgb, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), scale


class OcrNameStage:
    """Product candidates from the name printed on the label."""

    name = "name"

    def __init__(
        self,
        engine: OcrEngine,
        name_index: ProductNameIndex | Callable[[], ProductNameIndex],
        *,
        skip_above: float = SKIP_OCR_ABOVE,
    ) -> None:
        """``name_index`` may be a callable returning the current index, so a
        long-lived pipeline follows catalog changes without being rebuilt."""
        self.engine = engine
        self.name_index = name_index
        self.skip_above = skip_above

    def run(self, image: SnapImage, context: RecognitionContext) -> list[Candidate]:
        if context.best_confidence() >= self.skip_above:
            return []
        lines = self.engine.read(image)
        texts = [line.text for line in lines]
        context.ocr_lines.extend(texts)
        index = self.name_index() if callable(self.name_index) else self.name_index
        candidates = [
            Candidate(
                kind="product",
                value=match.product_public_id,
                confidence=round(match.score * NAME_CONFIDENCE_SCALE, 4),
                method="name",
                detail={"matched_text": match.matched_text, "score": match.score},
            )
            for match in index.match(texts)
        ]
        for text in texts:
            for gtin in printed_gtins(text):
                detail = {"printed_digits": text}
                candidates.append(
                    Candidate("gtin", gtin, PRINTED_GTIN_CONFIDENCE, "name", detail)
                )
        return candidates
