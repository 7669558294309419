"""The retries of the barcode reader: retouched copies of the picture.

Each ``Attempt`` prepares the picture one way; attempts of one family retouch
the pixels alike and can share a misread, so only different families (see
``independent``) confirm each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from ..deblur import BANDS, STRENGTHS, BarProfiles

_BINARIZER = zxingcpp.Binarizer
# Below this long side a picture is upscaled for the retries; above it, crops
# give the decoder more pixels per bar at a fraction of the cost.
SMALL_LONG_SIDE = 1000
_DEBLUR = "deblur-"


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


def retry_attempts(long_side: int) -> list[Attempt]:
    """Return the whole-picture retries, most decodes per millisecond first.

    The order comes from measuring each preparation on the photos that defeat
    the plain call (real photos and generated ones, see
    docs/benchmarks/snap_barcodes.md): low contrast and blur are the usual
    culprits, then tilt. Plain unsharp masking decodes as many but misreads
    EAN digits, so sharpening always follows contrast equalisation here.
    """
    up = 1.5 if long_side < SMALL_LONG_SIDE else 1.0
    attempts = [
        Attempt(
            "fixed-threshold",
            same,
            {"binarizer": _BINARIZER.FixedThreshold},
            "threshold",
        ),
        Attempt("clahe-sharpen", lambda g: _sharpen(_clahe(g)), {}, "sharpen"),
        Attempt(
            "up-clahe-sharpen",
            lambda g: _sharpen(_clahe(scale_by(g, up))),
            {},
            "sharpen",
        ),
        Attempt("clahe-up", lambda g: _clahe(scale_by(g, up)), {}, "clahe"),
    ]
    if long_side < SMALL_LONG_SIDE:
        attempts.append(
            Attempt(
                "up2-clahe-sharpen",
                lambda g: _sharpen(_clahe(scale_by(g, 2.0)), 3.0),
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
                lambda g, a=angle: _rotate(_sharpen(scale_by(g, up)), a),
                {},
                # Each angle resamples the bars differently: two angles that
                # read the same code confirm it.
                f"rotate{angle:+d}",
            )
        )
    attempts += [
        Attempt(
            "up-global-histogram",
            lambda g: scale_by(g, up),
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
            lambda g, w=window: _cropped(g, w, scale),
            {},
            "crop",
        )
        for name, window in windows.items()
    ]


def same(gray: np.ndarray) -> np.ndarray:
    return gray


def scale_by(gray: np.ndarray, factor: float) -> np.ndarray:
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


def _cropped(
    gray: np.ndarray, window: tuple[float, float, float, float], scale: float
) -> np.ndarray:
    """Return the window of the picture, scaled and equalised; empty where the
    picture is too small to have one (a few pixels across): nothing to read
    there, and OpenCV refuses to scale an empty picture."""
    crop = _crop(gray, window)
    if crop.size == 0:
        return crop
    return _clahe(scale_by(crop, scale))


def _crop(gray: np.ndarray, window: tuple[float, float, float, float]) -> np.ndarray:
    height, width = gray.shape
    left, top, right, bottom = window
    return gray[
        int(top * height) : int(bottom * height), int(left * width) : int(right * width)
    ]
