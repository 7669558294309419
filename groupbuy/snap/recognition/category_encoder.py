"""Turn a photo into the fixed-length vector the category classifier reads.

The vector is a VLAD encoding of dense RootSIFT-like descriptors (shape and
texture: the netting of a melon, the print on a carton) followed by joint
HSV colour histograms of the whole photo and of its central half, where a
shopper centres the product (colour separates most fruit and vegetables). The learned
parts, a PCA projection and a k-means vocabulary, are fitted once on a sample
of photos and then reused: a catalog's own classifier retrains only the linear
layer on top, the way a pretrained network's features would be reused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from groupbuy.snap.recognition.features import (
    colour_histogram,
    dense_descriptors,
    fit_pca,
    kmeans,
    resize_to_fit,
    vlad_encode,
)


@dataclass(frozen=True)
class EncoderSettings:
    """How descriptors are computed; chosen on the grocery validation split."""

    max_side: int = 256
    cell_sizes: tuple[int, ...] = (4, 6, 8)
    grid_step: int = 6
    pca_components: int = 64
    vocabulary_size: int = 64
    hue_bins: int = 16
    saturation_bins: int = 4
    value_bins: int = 4

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> EncoderSettings:
        values = json.loads(text)
        values["cell_sizes"] = tuple(values["cell_sizes"])
        return cls(**values)


class CategoryEncoder:
    def __init__(
        self,
        settings: EncoderSettings,
        pca_mean: np.ndarray,
        pca_axes: np.ndarray,
        vocabulary: np.ndarray,
    ):
        self.settings = settings
        self.pca_mean = pca_mean.astype(np.float32)
        self.pca_axes = pca_axes.astype(np.float32)
        self.vocabulary = vocabulary.astype(np.float32)

    @property
    def dimensions(self) -> int:
        settings = self.settings
        colour = settings.hue_bins * settings.saturation_bins * settings.value_bins
        return self.vocabulary.size + 2 * colour

    @classmethod
    def fit(
        cls,
        images: Iterable[np.ndarray],
        settings: EncoderSettings | None = None,
        *,
        descriptors_per_image: int = 300,
        seed: int = 0,
    ) -> CategoryEncoder:
        """Fit the PCA and vocabulary on a sample of RGB photos (a few hundred)."""
        settings = settings or EncoderSettings()
        rng = np.random.default_rng(seed)
        samples = []
        for image in images:
            descriptors = _dense(image, settings)
            if len(descriptors) > descriptors_per_image:
                chosen = rng.choice(len(descriptors), descriptors_per_image, False)
                descriptors = descriptors[chosen]
            samples.append(descriptors)
        data = np.concatenate(samples)
        if len(data) < settings.vocabulary_size:
            raise ValueError("too few descriptors to fit the category encoder")
        mean, axes = fit_pca(data, settings.pca_components)
        vocabulary = kmeans(
            (data - mean) @ axes.T, settings.vocabulary_size, iterations=25, seed=seed
        )
        return cls(settings, mean, axes, vocabulary)

    def encode(self, image: np.ndarray) -> np.ndarray:
        """Return the feature vector of an RGB uint8 photo."""
        settings = self.settings
        small = resize_to_fit(image, settings.max_side)
        descriptors = _dense(small, settings)
        projected = (descriptors - self.pca_mean) @ self.pca_axes.T
        texture = vlad_encode(projected, self.vocabulary)
        bins = (settings.hue_bins, settings.saturation_bins, settings.value_bins)
        height, width = small.shape[:2]
        centre = small[
            height // 4 : height - height // 4, width // 4 : width - width // 4
        ]
        colour = colour_histogram(small, *bins)
        centre_colour = colour_histogram(centre, *bins)
        return np.concatenate([texture, colour, centre_colour]).astype(np.float32)

    def to_arrays(self, prefix: str = "encoder_") -> dict[str, np.ndarray]:
        return {
            f"{prefix}settings": np.array(self.settings.to_json()),
            f"{prefix}pca_mean": self.pca_mean,
            f"{prefix}pca_axes": self.pca_axes,
            f"{prefix}vocabulary": self.vocabulary,
        }

    @classmethod
    def from_arrays(cls, arrays, prefix: str = "encoder_") -> CategoryEncoder:
        return cls(
            EncoderSettings.from_json(str(arrays[f"{prefix}settings"])),
            arrays[f"{prefix}pca_mean"],
            arrays[f"{prefix}pca_axes"],
            arrays[f"{prefix}vocabulary"],
        )


def _dense(image: np.ndarray, settings: EncoderSettings) -> np.ndarray:
    small = resize_to_fit(image, settings.max_side)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    descriptors, _ = dense_descriptors(gray, settings.cell_sizes, settings.grid_step)
    return descriptors
