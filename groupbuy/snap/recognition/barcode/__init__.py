"""Barcodes: read EAN/UPC and QR codes with zxing-cpp, retrying hard photos.

The library's own call always runs first on the untouched pixels, so a code
zxing-cpp can read is never lost. Only when it finds nothing do we try cheap
preparations of the picture, most productive per millisecond first, until one
decodes or the time budget is spent. A code only a retry read is kept only
when a retry of another family agrees or the catalog carries its GTIN: a
misread is worse than no read. benchmarks/snap_barcodes.py measures the gain
(and the wrong reads) on real photos.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
import zxingcpp

from ..base import Candidate, RecognitionContext, SnapImage
from .attempts import (
    SMALL_LONG_SIDE,
    Attempt,
    crop_attempts,
    deblur_attempts,
    independent,
    retry_attempts,
    same,
    scale_by,
)
from .symbols import (
    ALWAYS_TRIED,
    RETAIL_FORMAT_NAMES,
    BarcodeReading,
    deal_from_text,
    expand_upce,
    gtin_from_reading,
    gtin_from_text,
    printed_gtins,
)

__all__ = [
    "CONFIDENCE_DIRECT",
    "CONFIDENCE_RETRIED",
    "DEFAULT_TIME_BUDGET_MS",
    "PRODUCT_FORMATS",
    "Attempt",
    "BarcodeReader",
    "BarcodeReading",
    "BarcodeStage",
    "candidate_from_reading",
    "crop_attempts",
    "deal_from_text",
    "deblur_attempts",
    "expand_upce",
    "gtin_from_reading",
    "gtin_from_text",
    "independent",
    "printed_gtins",
    "retry_attempts",
]

_FORMAT = zxingcpp.BarcodeFormat
PRODUCT_FORMATS = (
    _FORMAT.EAN13,
    _FORMAT.EAN8,
    _FORMAT.UPCA,
    _FORMAT.UPCE,
    _FORMAT.QRCode,
)
# zxing-cpp already rejects a wrong check digit, so a GTIN read is near-certain;
# a read from a retouched picture carries a little more risk of a misread.
CONFIDENCE_DIRECT = 0.99
CONFIDENCE_RETRIED = 0.97
DEFAULT_TIME_BUDGET_MS = 350.0
# Whole-picture retries work on a copy of at most this long side.
_RETRY_LONG_SIDE = 1024


class BarcodeReader:
    """Read barcodes from a picture: the plain call, then retries within a budget."""

    def __init__(
        self,
        formats=PRODUCT_FORMATS,
        time_budget_ms: float = DEFAULT_TIME_BUDGET_MS,
        *,
        gtin_known: Callable[[str], bool] | None = None,
        retries: Callable[[int], list[Attempt]] | None = None,
        deblur: bool = True,
    ) -> None:
        self.formats = formats
        self.time_budget_ms = time_budget_ms
        # Whether the catalog carries a GTIN: confirms an EAN/UPC retry read.
        self.gtin_known = gtin_known
        self.retries = retries or retry_attempts
        # The deblurring attempt for 1-D codes (see deblur.py), after the
        # whole-picture retries and before the crops.
        self.deblur = deblur

    def read(self, image: SnapImage) -> list[BarcodeReading]:
        return self.read_gray(image.gray, image.detail_gray)

    def read_gray(
        self, gray: np.ndarray, detail_gray: np.ndarray | None = None
    ) -> list[BarcodeReading]:
        """Return the symbols of the first attempt that decodes any, or [].

        The library's own call on the working and the detail copy always
        runs, however busy the machine; the budget only bounds the retries.
        A wrong read is worse than none: a symbol only a retry found is
        returned once a retry of another family reads the same, or (EAN/UPC)
        once the catalog knows its GTIN; otherwise nothing is. The two halves
        of a deblurring attempt are judged together: when they read different
        codes, neither counts.
        """
        started = time.perf_counter()
        # (format, text) -> the families of the retries that read it
        retry_reads: dict[tuple[str, str], set[str]] = {}
        # the upper half of a deblurring pair, waiting for the lower half
        pending: list[tuple[Attempt, list[BarcodeReading]]] = []
        for source, attempt in self._attempts(gray, detail_gray):
            if attempt.name not in ALWAYS_TRIED and _ms_since(started) > (
                self.time_budget_ms
            ):
                break
            readings = self._decode(attempt, source)
            if attempt.name in ALWAYS_TRIED:
                if readings:
                    return readings
                continue
            if attempt.pairing == "first":
                pending = [(attempt, readings)]
                continue
            batch = [*pending, (attempt, readings)]
            pending = []
            if attempt.pairing == "second" and _disagree(batch):
                continue
            for tried, found in batch:
                accepted = [
                    reading
                    for reading in found
                    if self._confirmed(reading, tried.kind, retry_reads)
                ]
                if accepted:
                    return accepted
        return []

    def _confirmed(
        self,
        reading: BarcodeReading,
        family: str,
        retry_reads: dict[tuple[str, str], set[str]],
    ) -> bool:
        families = retry_reads.setdefault((reading.format, reading.text), set())
        agrees = any(independent(family, other) for other in families)
        families.add(family)
        if agrees:
            return True
        if self.gtin_known is not None and reading.format in RETAIL_FORMAT_NAMES:
            gtin = gtin_from_reading(reading)
            return gtin is not None and self.gtin_known(gtin)
        return False

    def _decode(self, attempt: Attempt, source: np.ndarray) -> list[BarcodeReading]:
        prepared = np.ascontiguousarray(attempt.prepare(source))
        if prepared.size == 0:
            return []  # a crop of a picture too small to have that window
        symbols = zxingcpp.read_barcodes(
            prepared,
            formats=self.formats,
            text_mode=zxingcpp.TextMode.Plain,
            **attempt.options,
        )
        return [
            BarcodeReading(
                format=symbol.format.name,
                text=symbol.text,
                is_gs1=symbol.content_type == zxingcpp.ContentType.GS1,
                attempt=attempt.name,
            )
            for symbol in symbols
        ]

    def _attempts(
        self, gray: np.ndarray, detail_gray: np.ndarray | None
    ) -> Iterator[tuple[np.ndarray, Attempt]]:
        yield gray, Attempt("plain", same, {})
        if detail_gray is not None:
            yield detail_gray, Attempt("detail", same, {})
        # Whole-picture retries on at most ~1000 px: a code the user aimed at
        # keeps enough pixels per bar, and each retry costs a third as much.
        base = scale_by(gray, min(1.0, _RETRY_LONG_SIDE / max(gray.shape)))
        for attempt in self.retries(max(base.shape)):
            yield base, attempt
        if self.deblur:
            yield from deblur_attempts(base)
        # Crops give a small code more pixels per bar: cut them from the
        # detail copy when there is one, else from the working picture.
        if detail_gray is not None:
            for attempt in crop_attempts(scale=1.0, prefix="detail-"):
                yield detail_gray, attempt
        else:
            scale = 2.0 if max(gray.shape) < SMALL_LONG_SIDE else 1.0
            for attempt in crop_attempts(scale=scale):
                yield gray, attempt


def _disagree(batch: list[tuple[Attempt, list[BarcodeReading]]]) -> bool:
    """Return whether the two halves of a deblurring pair read different codes."""
    texts = [{reading.text for reading in readings} for _, readings in batch]
    return len(texts) == 2 and all(texts) and texts[0] != texts[1]


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def candidate_from_reading(reading: BarcodeReading) -> Candidate | None:
    detail = {
        "text": reading.text,
        "format": reading.format,
        "attempt": reading.attempt,
    }
    confidence = CONFIDENCE_RETRIED if reading.is_retried else CONFIDENCE_DIRECT
    if gtin := gtin_from_reading(reading):
        return Candidate("gtin", gtin, confidence, "barcode", detail)
    if reading.format == "QRCode" and (deal := deal_from_text(reading.text)):
        return Candidate("deal", deal, confidence, "barcode", detail)
    return None


class BarcodeStage:
    """The pipeline's first stage: GTINs and deal links from barcodes and QR codes."""

    name = "barcode"

    def __init__(
        self,
        reader: BarcodeReader | None = None,
        gtin_known: Callable[[str], bool] | None = None,
    ) -> None:
        self.reader = reader or BarcodeReader(gtin_known=gtin_known)

    def run(self, image: SnapImage, context: RecognitionContext) -> list[Candidate]:
        candidates = []
        for reading in self.reader.read(image):
            candidate = candidate_from_reading(reading)
            if candidate is not None and candidate not in candidates:
                candidates.append(candidate)
        return candidates
