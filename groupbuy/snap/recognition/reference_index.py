"""The catalog's reference images, ready to match a snap against.

Verifying a snap geometrically against one reference image costs a few
milliseconds, so the index first shortlists the references most of the snap's
descriptors vote for (``shortlist.VotingShortlist``) and verifies only those
with a ratio test and a RANSAC homography.

The index keeps descriptors as uint8 (as SIFT computes them) and saves to one
``.npz`` file that includes its projection, so a server loads it without
recomputing descriptors and an old file keeps working after the shipped
projection changes. References can be added and removed while the server
runs; the shortlist's search forest is rebuilt lazily on the next match.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from groupbuy.snap.recognition.local_features import (
    LocalFeatures,
    Verification,
    extract_local_features,
    inliers_to_confidence,
    verify_match,
)
from groupbuy.snap.recognition.shortlist import (
    Projection,
    VotingShortlist,
    load_default_projection,
)

FILE_FORMAT_VERSION = 1
DEFAULT_SHORTLIST_SIZE = 8


@dataclass(frozen=True)
class ProductMatch:
    product_id: str
    category: str
    confidence: float
    inliers: int  # of the product's best reference image
    matches: int  # ratio-test matches with that image
    reference_key: str
    rival_inliers: int  # the best inlier count of any other product


@dataclass(frozen=True)
class _Reference:
    key: str
    product_id: str
    category: str
    features: LocalFeatures


class ReferenceImageIndex:
    """Reference images of products, matched by local features.

    Thread-safe: matching runs concurrently with ``add`` and ``remove``, which
    swap in a new tuple of references under a lock.
    """

    def __init__(
        self,
        projection: Projection | None = None,
        *,
        shortlist_size: int = DEFAULT_SHORTLIST_SIZE,
    ):
        self.projection = projection or load_default_projection()
        self.shortlist_size = shortlist_size
        self._references: tuple[_Reference, ...] = ()
        self._lock = threading.Lock()
        self._shortlist_cache: tuple[tuple[_Reference, ...], VotingShortlist | None]
        self._shortlist_cache = ((), None)

    def __len__(self) -> int:
        return len(self._references)

    @property
    def product_ids(self) -> set[str]:
        return {reference.product_id for reference in self._references}

    def keys(self) -> list[str]:
        return [reference.key for reference in self._references]

    def add(
        self,
        product_id: str,
        category: str,
        image: np.ndarray,
        *,
        key: str | None = None,
    ) -> str:
        """Index a reference image (RGB or grey uint8) and return its key.

        Adding again under an existing ``key`` replaces that reference, so a
        job that re-indexes a catalog image is safe to repeat.
        """
        features = extract_local_features(image)
        return self.add_features(product_id, category, features, key=key)

    def add_features(
        self,
        product_id: str,
        category: str,
        features: LocalFeatures,
        *,
        key: str | None = None,
    ) -> str:
        """Index already extracted features (see ``add``) and return the key."""
        key = key or uuid.uuid4().hex
        reference = _Reference(key, product_id, category, features)
        with self._lock:
            kept = tuple(r for r in self._references if r.key != key)
            self._references = (*kept, reference)
        return key

    def remove(self, key: str) -> bool:
        """Drop the reference stored under ``key``; tell whether it existed."""
        with self._lock:
            kept = tuple(r for r in self._references if r.key != key)
            removed = len(kept) != len(self._references)
            self._references = kept
        return removed

    def categories(self) -> dict[str, str]:
        """Return the category slug each reference is filed under, by key."""
        return {reference.key: reference.category for reference in self._references}

    def recategorise(self, categories: dict[str, str]) -> int:
        """File references (by key) under new categories; return how many moved.

        Only the label changes: the features are kept, not extracted again.
        """
        with self._lock:
            moved = 0
            references = []
            for reference in self._references:
                category = categories.get(reference.key, reference.category)
                if category != reference.category:
                    reference = replace(reference, category=category)
                    moved += 1
                references.append(reference)
            if moved:
                self._references = tuple(references)
        return moved

    def remove_product(self, product_id: str) -> int:
        """Drop every reference of a product and return how many there were."""
        with self._lock:
            kept = tuple(r for r in self._references if r.product_id != product_id)
            removed = len(self._references) - len(kept)
            self._references = kept
        return removed

    def match(self, image: np.ndarray, *, limit: int = 5) -> list[ProductMatch]:
        """Return the best-matching products for a photo, most confident first."""
        return self.match_features(extract_local_features(image), limit=limit)

    def match_features(
        self, query: LocalFeatures, *, limit: int = 5
    ) -> list[ProductMatch]:
        """Return the best-matching products for already extracted features."""
        references = self._references
        if len(query) == 0 or not references:
            return []
        query_root = query.root_descriptors
        best_by_product: dict[str, tuple[_Reference, Verification]] = {}
        for reference in self._shortlist(references, query_root):
            verification = verify_match(
                query,
                query_root,
                reference.features,
                reference.features.root_descriptors,
            )
            if verification.matches == 0:
                continue
            previous = best_by_product.get(reference.product_id)
            if previous is None or _rank(verification) > _rank(previous[1]):
                best_by_product[reference.product_id] = (reference, verification)
        found = [
            _product_match(reference, verification, best_by_product)
            for reference, verification in best_by_product.values()
        ]
        found.sort(key=lambda m: (m.confidence, m.inliers, m.matches), reverse=True)
        return found[:limit]

    def _shortlist(
        self, references: tuple[_Reference, ...], query_root: np.ndarray
    ) -> list[_Reference]:
        if len(references) <= self.shortlist_size:
            return list(references)
        votes = self._voting_for(references).votes(query_root)
        order = np.argsort(-votes, kind="stable")[: self.shortlist_size]
        return [references[position] for position in order]

    def _voting_for(self, references: tuple[_Reference, ...]) -> VotingShortlist:
        """Return the shortlist over ``references``, building it after a change."""
        cached_references, voting = self._shortlist_cache
        if cached_references is references and voting is not None:
            return voting
        with self._lock:
            cached_references, voting = self._shortlist_cache
            if cached_references is not references or voting is None:
                codes: dict[str, int] = {}
                voting = VotingShortlist(
                    self.projection,
                    [r.features.root_descriptors for r in references],
                    [codes.setdefault(r.product_id, len(codes)) for r in references],
                )
                self._shortlist_cache = (references, voting)
        return voting

    def save(self, path: str | os.PathLike) -> None:
        """Write the index to ``path`` (.npz) atomically."""
        references = self._references
        counts = [len(r.features) for r in references]
        arrays = {
            "format_version": np.array(FILE_FORMAT_VERSION),
            "projection_mean": self.projection.mean,
            "projection_axes": self.projection.axes,
            "keys": np.array([r.key for r in references], dtype=str),
            "product_ids": np.array([r.product_id for r in references], dtype=str),
            "categories": np.array([r.category for r in references], dtype=str),
            "sizes": np.array([r.features.size for r in references], np.int32),
            "offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            "points": _concatenate([r.features.points for r in references], (0, 2)),
            "descriptors": _concatenate(
                [r.features.descriptors for r in references], (0, 128), np.uint8
            ),
        }
        path = Path(path)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
        ) as handle:
            np.savez(handle, **arrays)
        # NamedTemporaryFile creates 0600; the server may run as another user.
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)

    @classmethod
    def load(
        cls, path: str | os.PathLike, *, shortlist_size: int = DEFAULT_SHORTLIST_SIZE
    ) -> ReferenceImageIndex:
        """Read an index written by ``save``."""
        with np.load(path, allow_pickle=False) as archive:
            version = int(archive["format_version"])
            if version != FILE_FORMAT_VERSION:
                raise ValueError(f"unsupported reference index format {version}")
            projection = Projection(
                archive["projection_mean"], archive["projection_axes"]
            )
            offsets, sizes = archive["offsets"], archive["sizes"]
            points, descriptors = archive["points"], archive["descriptors"]
            product_ids = archive["product_ids"].tolist()
            categories = archive["categories"].tolist()
            references = []
            for position, key in enumerate(archive["keys"].tolist()):
                start, end = offsets[position], offsets[position + 1]
                features = LocalFeatures(
                    points=points[start:end],
                    descriptors=descriptors[start:end],
                    size=(int(sizes[position][0]), int(sizes[position][1])),
                )
                references.append(
                    _Reference(
                        key, product_ids[position], categories[position], features
                    )
                )
        index = cls(projection, shortlist_size=shortlist_size)
        index._references = tuple(references)
        return index


def _rank(verification: Verification) -> tuple[int, int]:
    return (verification.inliers, verification.matches)


def _product_match(
    reference: _Reference,
    verification: Verification,
    best_by_product: dict[str, tuple[_Reference, Verification]],
) -> ProductMatch:
    rival_inliers = max(
        (
            other.inliers
            for product_id, (_, other) in best_by_product.items()
            if product_id != reference.product_id
        ),
        default=0,
    )
    return ProductMatch(
        product_id=reference.product_id,
        category=reference.category,
        confidence=inliers_to_confidence(verification.inliers, rival_inliers),
        inliers=verification.inliers,
        matches=verification.matches,
        reference_key=reference.key,
        rival_inliers=rival_inliers,
    )


def _concatenate(
    arrays: list[np.ndarray], empty_shape: tuple, dtype=np.float32
) -> np.ndarray:
    if not arrays:
        return np.zeros(empty_shape, dtype)
    return np.concatenate(arrays).astype(dtype, copy=False)
