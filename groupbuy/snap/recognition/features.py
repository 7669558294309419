"""Image descriptors shared by the category classifier and the reference index.

Everything here is plain numpy/OpenCV with no learned state: the learned parts
(PCA, vocabularies, linear weights) live in ``classifier.py`` and
``appearance.py``, which call these functions with their own parameters.
"""

from __future__ import annotations

import cv2
import numpy as np

ORIENTATION_BINS = 8
CELLS_PER_SIDE = 4
DESCRIPTOR_SIZE = ORIENTATION_BINS * CELLS_PER_SIDE * CELLS_PER_SIDE  # 128, as SIFT
# Patches whose gradient energy is below this (per pixel, on a 0..1 image) are flat
# background; their descriptors would be pure noise after normalisation.
MIN_GRADIENT_ENERGY = 0.02


def resize_to_fit(image: np.ndarray, max_side: int) -> np.ndarray:
    """Return ``image`` scaled so its longer side is ``max_side`` pixels."""
    height, width = image.shape[:2]
    scale = max_side / max(height, width)
    if abs(scale - 1.0) < 1e-3:
        return image
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=interpolation)


def root_normalise(descriptors: np.ndarray) -> np.ndarray:
    """Apply RootSIFT: L1-normalise then square-root (Arandjelović & Zisserman)."""
    descriptors = descriptors.astype(np.float32, copy=False)
    norms = np.abs(descriptors).sum(axis=1, keepdims=True)
    return np.sqrt(descriptors / np.maximum(norms, 1e-12))


def _orientation_channels(gray: np.ndarray) -> np.ndarray:
    """Split gradient magnitude into soft-binned orientation channels (8, H, W)."""
    dx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=1)
    dy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=1)
    magnitude, angle = cv2.cartToPolar(dx, dy)
    position = angle * (ORIENTATION_BINS / (2 * np.pi))
    channels = np.empty((ORIENTATION_BINS, *gray.shape), dtype=np.float32)
    for orientation in range(ORIENTATION_BINS):
        distance = np.abs(position - orientation)
        distance = np.minimum(distance, ORIENTATION_BINS - distance)
        channels[orientation] = magnitude * np.maximum(0.0, 1.0 - distance)
    return channels


def dense_descriptors(
    gray: np.ndarray, cell_sizes: tuple[int, ...], step: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return SIFT-like descriptors on a regular grid, and their centres.

    Like VLFeat's dense SIFT, the orientation channels are pooled once per
    cell size with a (separable, triangular) box filter and the 4x4 cells of
    every grid descriptor are then read out by indexing, which makes a few
    thousand descriptors cost milliseconds instead of running SIFT per point.
    Descriptors are RootSIFT-normalised; flat patches are dropped.
    """
    gray = gray.astype(np.float32) / 255.0
    channels = _orientation_channels(gray)
    height, width = gray.shape
    all_descriptors, all_centres = [], []
    for cell in cell_sizes:
        pooled = np.stack(
            [cv2.blur(cv2.blur(c, (cell, cell)), (cell, cell)) for c in channels]
        )
        half = 2 * cell  # the 4x4 cells span 4 * cell pixels
        ys = np.arange(half, height - half + 1, step)
        xs = np.arange(half, width - half + 1, step)
        if len(ys) == 0 or len(xs) == 0:
            continue
        grid_y, grid_x = np.meshgrid(ys, xs, indexing="ij")
        centre_y, centre_x = grid_y.ravel(), grid_x.ravel()
        offsets = (np.arange(CELLS_PER_SIDE) - 1.5) * cell
        offset_y, offset_x = np.meshgrid(offsets, offsets, indexing="ij")
        sample_y = np.clip(
            np.rint(centre_y[:, None] + offset_y.ravel()[None, :]), 0, height - 1
        ).astype(np.intp)
        sample_x = np.clip(
            np.rint(centre_x[:, None] + offset_x.ravel()[None, :]), 0, width - 1
        ).astype(np.intp)
        cells = pooled[:, sample_y, sample_x]  # (orientations, points, cells)
        descriptors = cells.transpose(1, 2, 0).reshape(len(centre_y), -1)
        energy = descriptors.sum(axis=1) / (CELLS_PER_SIDE * CELLS_PER_SIDE)
        keep = energy > MIN_GRADIENT_ENERGY
        all_descriptors.append(descriptors[keep])
        all_centres.append(np.stack([centre_x[keep], centre_y[keep]], axis=1))
    if not all_descriptors:
        return np.zeros((0, DESCRIPTOR_SIZE), np.float32), np.zeros((0, 2), np.float32)
    descriptors = np.concatenate(all_descriptors)
    centres = np.concatenate(all_centres).astype(np.float32)
    return root_normalise(descriptors), centres


def colour_histogram(
    rgb: np.ndarray, hue_bins: int, saturation_bins: int, value_bins: int
) -> np.ndarray:
    """Return a Hellinger-normalised joint HSV histogram of the image."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    histogram = cv2.calcHist(
        [hsv],
        [0, 1, 2],
        None,
        [hue_bins, saturation_bins, value_bins],
        [0, 180, 0, 256, 0, 256],
    ).ravel()
    return np.sqrt(histogram / max(histogram.sum(), 1.0)).astype(np.float32)


def assign_to_nearest(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Return the index of the nearest centre (Euclidean) for every vector."""
    # |v - c|^2 = |v|^2 - 2 v.c + |c|^2; |v|^2 does not change the argmin.
    scores = vectors @ centres.T * -2.0 + (centres * centres).sum(axis=1)[None, :]
    return scores.argmin(axis=1)


def vlad_encode(descriptors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Return the VLAD vector of ``descriptors`` (intra-, power- and L2-normalised).

    Intra-normalisation (per centre) and signed square-root stop bursty
    repeated structures, such as a shelf of identical cartons, from dominating.
    """
    k, dimensions = centres.shape
    vlad = np.zeros((k, dimensions), dtype=np.float32)
    if len(descriptors):
        nearest = assign_to_nearest(descriptors, centres)
        np.add.at(vlad, nearest, descriptors - centres[nearest])
    norms = np.linalg.norm(vlad, axis=1, keepdims=True)
    vlad /= np.maximum(norms, 1e-12)
    vlad = np.sign(vlad) * np.sqrt(np.abs(vlad))
    flat = vlad.ravel()
    return flat / max(float(np.linalg.norm(flat)), 1e-12)


def kmeans(data: np.ndarray, k: int, *, iterations: int, seed: int) -> np.ndarray:
    """Return ``k`` centres of ``data`` by Lloyd iterations from a seeded sample.

    Written on top of BLAS matrix products rather than ``cv2.kmeans`` because
    large vocabularies (1000+ words) train several times faster that way.
    """
    data = data.astype(np.float32, copy=False)
    rng = np.random.default_rng(seed)
    centres = data[rng.choice(len(data), size=k, replace=False)].copy()
    for _ in range(iterations):
        nearest = assign_to_nearest(data, centres)
        counts = np.bincount(nearest, minlength=k)
        sums = np.zeros_like(centres)
        np.add.at(sums, nearest, data)
        empty = counts == 0
        centres[~empty] = sums[~empty] / counts[~empty, None]
        # Re-seed a centre that lost all its points instead of letting it die.
        centres[empty] = data[rng.choice(len(data), size=int(empty.sum()))]
    return centres


def fit_pca(data: np.ndarray, components: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the mean and the top principal axes (components x dims) of ``data``."""
    mean = data.mean(axis=0)
    covariance = np.cov((data - mean).T)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1][:components]
    return mean.astype(np.float32), eigenvectors[:, order].T.astype(np.float32)
