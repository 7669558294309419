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

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import cv2
import numpy as np
import zxingcpp

from groupbuy.catalog.gtin import gtin14, is_valid_gtin

from .base import Candidate, RecognitionContext, SnapImage
from .deblur import BANDS, STRENGTHS, BarProfiles

_FORMAT = zxingcpp.BarcodeFormat
_BINARIZER = zxingcpp.Binarizer
PRODUCT_FORMATS = (
    _FORMAT.EAN13,
    _FORMAT.EAN8,
    _FORMAT.UPCA,
    _FORMAT.UPCE,
    _FORMAT.QRCode,
)
# Readers report UPC-A as a 13-digit EAN and UPC-E expanded; all become GTIN-14.
_RETAIL_FORMAT_NAMES = {"EAN13", "EAN8", "UPCA", "UPCE"}
# zxing-cpp already rejects a wrong check digit, so a GTIN read is near-certain;
# a read from a retouched picture carries a little more risk of a misread.
CONFIDENCE_DIRECT = 0.99
CONFIDENCE_RETRIED = 0.97
DEFAULT_TIME_BUDGET_MS = 350.0
# Below this long side a picture is upscaled for the retries; above it, crops
# give the decoder more pixels per bar at a fraction of the cost.
_SMALL_LONG_SIDE = 1000
_RETRY_LONG_SIDE = 1024
_ALWAYS_TRIED = ("plain", "detail")
# Reads of untouched pixels: the pipeline's plain calls, and a code the browser
# read from raw camera frames (twice in a row) with the same library.
_UNRETOUCHED = (*_ALWAYS_TRIED, "live")
_DEBLUR = "deblur-"

_DEAL_PATH = re.compile(r"(?:^|/)deals/(deal_[0-9a-z]{16})/?$")
_DIGITAL_LINK_GTIN = re.compile(r"/01/(\d{8,14})(?:/|$)")
_GS1_HRI_GTIN = re.compile(r"^\(01\)(\d{14})")
# Digits in groups as printed under a code: "9 780804 816632", "0 36602 30146 7".
_PRINTED_NUMBER = re.compile(r"(?<![\d.])\d(?:[ ]?\d){11,12}(?![\d.])")


@dataclass(frozen=True)
class BarcodeReading:
    """One decoded symbol: ``format`` is zxing-cpp's name (``EAN13``, ``QRCode``)."""

    format: str
    text: str
    is_gs1: bool
    attempt: str  # which preparation of the picture decoded it

    @property
    def is_retried(self) -> bool:
        """Whether a retouched picture, not the library's plain call, gave it."""
        return self.attempt not in _UNRETOUCHED


@dataclass(frozen=True)
class Attempt:
    name: str
    prepare: Callable[[np.ndarray], np.ndarray]
    options: dict
    # Attempts of one family retouch the pixels the same way and can share a
    # misread; only attempts of different families confirm each other.
    family: str = ""
    # "first" / "second" for the two halves of a deblurring pair, judged together
    pairing: str = ""

    @property
    def kind(self) -> str:
        return self.family or self.name


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
            if attempt.name not in _ALWAYS_TRIED and _ms_since(started) > (
                self.time_budget_ms
            ):
                break
            readings = self._decode(attempt, source)
            if attempt.name in _ALWAYS_TRIED:
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
        if self.gtin_known is not None and reading.format in _RETAIL_FORMAT_NAMES:
            gtin = gtin_from_reading(reading)
            return gtin is not None and self.gtin_known(gtin)
        return False

    def _decode(self, attempt: Attempt, source: np.ndarray) -> list[BarcodeReading]:
        prepared = np.ascontiguousarray(attempt.prepare(source))
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
        yield gray, Attempt("plain", _same, {})
        if detail_gray is not None:
            yield detail_gray, Attempt("detail", _same, {})
        # Whole-picture retries on at most ~1000 px: a code the user aimed at
        # keeps enough pixels per bar, and each retry costs a third as much.
        base = _scale(gray, min(1.0, _RETRY_LONG_SIDE / max(gray.shape)))
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
            scale = 2.0 if max(gray.shape) < _SMALL_LONG_SIDE else 1.0
            for attempt in crop_attempts(scale=scale):
                yield gray, attempt


def _disagree(batch: list[tuple[Attempt, list[BarcodeReading]]]) -> bool:
    """Return whether the two halves of a deblurring pair read different codes."""
    texts = [{reading.text for reading in readings} for _, readings in batch]
    return len(texts) == 2 and all(texts) and texts[0] != texts[1]


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def retry_attempts(long_side: int) -> list[Attempt]:
    """Return the whole-picture retries, most decodes per millisecond first.

    The order comes from measuring each preparation on the photos that defeat
    the plain call (real photos and generated ones, see
    docs/benchmarks/snap_barcodes.md): low contrast and blur are the usual
    culprits, then tilt. Plain unsharp masking decodes as many but misreads
    EAN digits, so sharpening always follows contrast equalisation here.
    """
    up = 1.5 if long_side < _SMALL_LONG_SIDE else 1.0
    attempts = [
        Attempt(
            "fixed-threshold",
            _same,
            {"binarizer": _BINARIZER.FixedThreshold},
            "threshold",
        ),
        Attempt("clahe-sharpen", lambda g: _sharpen(_clahe(g)), {}, "sharpen"),
        Attempt(
            "up-clahe-sharpen",
            lambda g: _sharpen(_clahe(_scale(g, up))),
            {},
            "sharpen",
        ),
        Attempt("clahe-up", lambda g: _clahe(_scale(g, up)), {}, "clahe"),
    ]
    if long_side < _SMALL_LONG_SIDE:
        attempts.append(
            Attempt(
                "up2-clahe-sharpen",
                lambda g: _sharpen(_clahe(_scale(g, 2.0)), 3.0),
                {},
                "sharpen",
            )
        )
    # try_rotate already covers quarter turns; a linear code tilted by more
    # than ~8° in between needs straightening first.
    for angle in (15, -15, 30, -30, 45):
        attempts.append(
            Attempt(
                f"rotate{angle:+d}",
                lambda g, a=angle: _rotate(_sharpen(_scale(g, up)), a),
                {},
                # Each angle resamples the bars differently: two angles that
                # read the same code confirm it.
                f"rotate{angle:+d}",
            )
        )
    attempts += [
        Attempt(
            "up-global-histogram",
            lambda g: _scale(g, up),
            {"binarizer": _BINARIZER.GlobalHistogram},
            "histogram",
        ),
        Attempt("adaptive-threshold", _adaptive_threshold, {}, "adaptive"),
    ]
    return attempts


def independent(family: str, other: str) -> bool:
    """Return whether reads of two retry families confirm each other.

    Different families do, except two deblurring attempts: their bands (the
    upper and lower half of the bars, disjoint pixels) must differ and their
    strength must be the same, so one misread band at one strength cannot be
    confirmed by the other band's misread at another.
    """
    if family == other:
        return False
    if family.startswith(_DEBLUR) and other.startswith(_DEBLUR):
        return family.split("@")[1] == other.split("@")[1]
    return True


def deblur_attempts(gray: np.ndarray) -> Iterator[tuple[np.ndarray, Attempt]]:
    """Yield the deblurring attempts: each band of bars at each strength.

    The bands (upper and lower half of the code) are separate families: two
    halves deconvolved apart at one strength that read the same code confirm
    each other (see ``independent``); halves that read different codes make
    that strength's reads void.
    """
    bars = BarProfiles(gray)
    for strength in STRENGTHS:
        for band in BANDS:
            yield (
                gray,
                Attempt(
                    f"deblur{strength:g}-{band}",
                    lambda g, b=band, s=strength: bars.strip(b, s),
                    {"try_rotate": False, "try_downscale": False},
                    f"{_DEBLUR}{band}@{strength:g}",
                    "first" if band == BANDS[0] else "second",
                ),
            )


def crop_attempts(scale: float, prefix: str = "") -> list[Attempt]:
    """Return crops of the picture, the centre first (people aim at the code).

    Then overlapping halves and quarters: clutter drops out and, scaled up, a
    small code gets more pixels per bar.
    """
    windows = {
        "centre": (0.2, 0.2, 0.8, 0.8),
        "left": (0.0, 0.0, 0.6, 1.0),
        "right": (0.4, 0.0, 1.0, 1.0),
        "top": (0.0, 0.0, 1.0, 0.6),
        "bottom": (0.0, 0.4, 1.0, 1.0),
        "top-left": (0.0, 0.0, 0.55, 0.55),
        "top-right": (0.45, 0.0, 1.0, 0.55),
        "bottom-left": (0.0, 0.45, 0.55, 1.0),
        "bottom-right": (0.45, 0.45, 1.0, 1.0),
    }
    return [
        Attempt(
            f"{prefix}crop-{name}",
            lambda g, w=window: _clahe(_scale(_crop(g, w), scale)),
            {},
            "crop",
        )
        for name, window in windows.items()
    ]


def _same(gray: np.ndarray) -> np.ndarray:
    return gray


def _scale(gray: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1.0:
        return gray
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def _clahe(gray: np.ndarray) -> np.ndarray:
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def _sharpen(gray: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    # Unsharp mask: restores bar edges softened by focus or motion blur.
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.8, blurred, -0.8, 0)


def _adaptive_threshold(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 10
    )


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    # Grow the canvas so corners (and a code near one) are not cut off.
    height, width = gray.shape
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(rotation[0, 0]), abs(rotation[0, 1])
    new_width = int(width * cos + height * sin)
    new_height = int(width * sin + height * cos)
    rotation[0, 2] += (new_width - width) / 2
    rotation[1, 2] += (new_height - height) / 2
    return cv2.warpAffine(gray, rotation, (new_width, new_height), borderValue=255)


def _crop(gray: np.ndarray, window: tuple[float, float, float, float]) -> np.ndarray:
    height, width = gray.shape
    left, top, right, bottom = window
    return gray[
        int(top * height) : int(bottom * height), int(left * width) : int(right * width)
    ]


# --- What a symbol points at ---------------------------------------------------


def gtin_from_reading(reading: BarcodeReading) -> str | None:
    """Return the 14-digit GTIN a symbol carries, or None."""
    if reading.format in _RETAIL_FORMAT_NAMES:
        code = reading.text
        if reading.format == "UPCE" and len(code) == 8:
            code = expand_upce(code)
        return gtin14(code) if code and is_valid_gtin(code) else None
    if reading.format == "QRCode":
        return gtin_from_text(reading.text, is_gs1=reading.is_gs1)
    return None


def gtin_from_text(text: str, *, is_gs1: bool = False) -> str | None:
    """Return the GTIN in a QR payload: digits, GS1 data or a GS1 Digital Link."""
    text = text.strip()
    if is_gs1 and text.startswith("01"):
        code = text[2:16]
    elif match := _GS1_HRI_GTIN.match(text):
        code = match.group(1)
    elif text.lower().startswith(("http://", "https://")):
        match = _DIGITAL_LINK_GTIN.search(urlsplit(text).path)
        code = match.group(1) if match else ""
    else:
        code = text
    return gtin14(code) if is_valid_gtin(code) else None


def printed_gtins(text: str) -> list[str]:
    """Return the GTIN-14s of EAN-13/UPC-A numbers printed in OCR'd ``text``.

    The digits under a barcode ("6 901939 621257") often stay legible when the
    bars are too blurred to decode. Only 12 and 13 digits count: a shorter
    number on a label (a date, a phone number) passes a check digit one time
    in ten.
    """
    found = []
    for run in _PRINTED_NUMBER.findall(text):
        digits = run.replace(" ", "")
        if len(digits) in (12, 13) and is_valid_gtin(digits):
            found.append(gtin14(digits))
    return list(dict.fromkeys(found))


def deal_from_text(text: str) -> str | None:
    """Return the deal public id of a groupbuy deal link on any host, or None."""
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")):
        return None
    match = _DEAL_PATH.search(urlsplit(text).path)
    return match.group(1) if match else None


def expand_upce(code: str) -> str:
    """Return the UPC-A (12 digits) a UPC-E code (8 digits) stands for."""
    number_system, body, check = code[0], code[1:7], code[7]
    last = body[5]
    if last in "012":
        middle = body[:2] + last + "0000" + body[2:5]
    elif last == "3":
        middle = body[:3] + "00000" + body[3:5]
    elif last == "4":
        middle = body[:4] + "00000" + body[4]
    else:
        middle = body[:5] + "0000" + last
    return number_system + middle + check


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
