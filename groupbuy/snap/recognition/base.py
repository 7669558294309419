"""The recognition pipeline's one interface.

A photo is decoded once into a ``SnapImage``; each ``Stage`` looks at it and
returns ``Candidate``s, each with a confidence in [0, 1] and the method that
found it. Stages are small classes so they can be added or reordered; the
pipeline merges candidates per target and keeps every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    # Only for the annotations: the pipeline's types import without numpy.
    import numpy as np

Method = Literal["barcode", "name", "appearance"]
# What a candidate points at:
#   gtin      value is a 14-digit GTIN (zero-padded), looked up in the catalog
#   product   value is a Product public_id
#   category  value is a Category slug (appearance could only tell the kind)
#   deal      value is a Deal public_id (a QR code carrying a groupbuy deal link)
TargetKind = Literal["gtin", "product", "category", "deal"]


@dataclass
class Candidate:
    kind: TargetKind
    value: str
    confidence: float
    method: Method
    detail: dict = field(
        default_factory=dict
    )  # e.g. raw barcode text, OCR line, inliers


@dataclass
class SnapImage:
    """A decoded photo: RGB uint8 (H, W, 3), orientation already applied.

    ``rgb`` is the working copy (long side at most 1600 px, see image.py);
    ``detail_gray`` is a larger greyscale copy kept only when the upload was
    bigger than that, for barcodes too small to read at working size. Both
    are read-only: every stage sees the same pixels.
    """

    rgb: np.ndarray
    detail_gray: np.ndarray | None = None

    @cached_property
    def gray(self) -> np.ndarray:
        import cv2

        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @property
    def size(self) -> tuple[int, int]:
        height, width = self.rgb.shape[:2]
        return width, height


@dataclass
class RecognitionContext:
    """What stages share during one recognition: earlier results and indexes."""

    candidates: list[Candidate] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    ocr_lines: list[str] = field(default_factory=list)

    def best_confidence(self) -> float:
        return max((c.confidence for c in self.candidates), default=0.0)


class Stage(Protocol):
    name: str

    def run(self, image: SnapImage, context: RecognitionContext) -> list[Candidate]: ...
