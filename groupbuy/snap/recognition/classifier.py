"""Tell a photo's category when no single product matches it.

A multinomial logistic regression over ``CategoryEncoder`` vectors. It trains
on any labelled photos: the Grocery Store Dataset for the shipped model, the
catalog's own reference images (labelled with their product's category slug)
in production. Labels may form a tree (``parents``: child label -> parent
label) so that a photo that is surely an apple, but not surely which apple,
still yields a confident "apple".
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from groupbuy.snap.recognition.category_encoder import CategoryEncoder
from groupbuy.snap.recognition.softmax import (
    fit_softmax,
    fit_temperature,
    softmax,
)

DATA_DIRECTORY = Path(__file__).with_name("data")
DEFAULT_MODEL_PATH = DATA_DIRECTORY / "grocery_classifier.npz"
FILE_FORMAT_VERSION = 1


@dataclass(frozen=True)
class CategoryPrediction:
    label: str
    probability: float
    is_leaf: bool  # False when summed over the leaves under this label


class CategoryClassifier:
    def __init__(
        self,
        encoder: CategoryEncoder,
        labels: list[str],
        weights: np.ndarray,
        bias: np.ndarray,
        *,
        temperature: float = 1.0,
        parents: Mapping[str, str] | None = None,
        metadata: dict | None = None,
    ):
        self.encoder = encoder
        self.labels = list(labels)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.temperature = float(temperature)
        self.parents = {
            child: parent
            for child, parent in (parents or {}).items()
            if child != parent  # a coarse class named like its only leaf
        }
        self.metadata = dict(metadata or {})

    def probabilities(self, image: np.ndarray) -> np.ndarray:
        """Return the probability of every leaf label (in ``labels`` order)."""
        features = self.encoder.encode(image)
        return self.probabilities_of_features(features[None, :])[0]

    def probabilities_of_features(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.weights + self.bias
        return softmax(logits / self.temperature)

    def predict(self, image: np.ndarray, *, top_k: int = 5) -> list[CategoryPrediction]:
        """Return the ``top_k`` most probable leaf labels, most probable first."""
        return self.rank(self.probabilities(image), top_k=top_k)

    def rank(
        self, probabilities: np.ndarray, *, top_k: int
    ) -> list[CategoryPrediction]:
        order = np.argsort(-probabilities, kind="stable")[:top_k]
        return [
            CategoryPrediction(self.labels[i], float(probabilities[i]), is_leaf=True)
            for i in order
        ]

    def ancestors_of(self, label: str) -> list[str]:
        """Return the chain of parents of ``label``, nearest first."""
        chain, seen = [], {label}
        while (label := self.parents.get(label)) and label not in seen:
            chain.append(label)
            seen.add(label)
        return chain

    def ancestor_probabilities(self, probabilities: np.ndarray) -> dict[str, float]:
        """Return each ancestor label's probability: the sum over its leaves."""
        totals: dict[str, float] = {}
        for label, probability in zip(self.labels, probabilities, strict=True):
            for ancestor in self.ancestors_of(label):
                totals[ancestor] = totals.get(ancestor, 0.0) + float(probability)
        return totals

    def save(self, path: str | os.PathLike) -> None:
        """Write the model to ``path`` (.npz, no pickles) atomically."""
        parents = sorted(self.parents.items())
        arrays = {
            "format_version": np.array(FILE_FORMAT_VERSION),
            "labels": np.array(self.labels, dtype=str),
            "weights": self.weights.astype(np.float16),
            "bias": self.bias,
            "temperature": np.array(self.temperature),
            "parent_children": np.array([c for c, _ in parents], dtype=str),
            "parent_parents": np.array([p for _, p in parents], dtype=str),
            "metadata": np.array(json.dumps(self.metadata, sort_keys=True)),
            **self.encoder.to_arrays(),
        }
        path = Path(path)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
        ) as handle:
            np.savez_compressed(handle, **arrays)
        # NamedTemporaryFile creates 0600; the server may run as another user.
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> CategoryClassifier:
        """Read a model written by ``save``."""
        with np.load(path, allow_pickle=False) as archive:
            version = int(archive["format_version"])
            if version != FILE_FORMAT_VERSION:
                raise ValueError(f"unsupported category model format {version}")
            children = archive["parent_children"].tolist()
            return cls(
                CategoryEncoder.from_arrays(archive),
                archive["labels"].tolist(),
                archive["weights"],
                archive["bias"],
                temperature=float(archive["temperature"]),
                parents=dict(
                    zip(children, archive["parent_parents"].tolist(), strict=True)
                ),
                metadata=json.loads(str(archive["metadata"])),
            )


_default_lock = threading.Lock()
_default_classifier: CategoryClassifier | None = None


def load_default_classifier() -> CategoryClassifier:
    """Return the shipped grocery model, loaded once per process."""
    global _default_classifier
    with _default_lock:
        if _default_classifier is None:
            _default_classifier = CategoryClassifier.load(DEFAULT_MODEL_PATH)
        return _default_classifier


def train_category_classifier(
    samples: Iterable[tuple[np.ndarray, str]],
    *,
    encoder: CategoryEncoder | None = None,
    parents: Mapping[str, str] | None = None,
    regularisation: float = 1e-5,
    iterations: int = 300,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> CategoryClassifier:
    """Train a classifier on (RGB photo, category label) pairs.

    ``samples`` is read once and may be a generator (images are encoded as
    they arrive, so memory holds vectors, not photos). Without ``encoder`` the
    shipped model's encoder is reused, which suits a catalog's few photos per
    category; fit a new one with ``CategoryEncoder.fit`` for a large dataset.
    ``progress`` is called with the number of photos encoded so far.
    """
    encoder = encoder or load_default_classifier().encoder
    features, label_names = [], []
    for count, (image, label) in enumerate(samples, start=1):
        features.append(encoder.encode(image))
        label_names.append(label)
        if progress:
            progress(count)
    labels = sorted(set(label_names))
    if len(labels) < 2:
        raise ValueError("a category classifier needs photos of at least 2 labels")
    matrix = np.stack(features)
    targets = np.array([labels.index(name) for name in label_names])
    temperature = _held_out_temperature(
        matrix, targets, len(labels), regularisation, iterations, seed
    )
    weights, bias = fit_softmax(
        matrix,
        targets,
        len(labels),
        regularisation=regularisation,
        iterations=iterations,
    )
    return CategoryClassifier(
        encoder,
        labels,
        weights,
        bias,
        temperature=temperature,
        parents=parents,
        metadata={"training_samples": len(targets)},
    )


def _held_out_temperature(
    features: np.ndarray,
    targets: np.ndarray,
    classes: int,
    regularisation: float,
    iterations: int,
    seed: int,
) -> float:
    """Fit the softmax temperature on a held-out fifth of the samples.

    A lightly regularised model is overconfident on its own training photos;
    the temperature makes its probabilities honest on photos it has not seen,
    which is what lets the pipeline compare them with other stages'.
    """
    if len(targets) < 10 * classes:
        return 1.0
    rng = np.random.default_rng(seed)
    held_out = rng.random(len(targets)) < 0.2
    weights, bias = fit_softmax(
        features[~held_out],
        targets[~held_out],
        classes,
        regularisation=regularisation,
        iterations=iterations,
    )
    logits = features[held_out] @ weights + bias
    return fit_temperature(logits, targets[held_out])
