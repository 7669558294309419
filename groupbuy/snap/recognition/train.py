"""Train the appearance stage's shipped models.

    python -m groupbuy.snap.recognition.train grocery DATASET_DIR \\
        --out groupbuy/snap/recognition/data/grocery_classifier.npz
    python -m groupbuy.snap.recognition.train projection DATASET_DIR \\
        --out groupbuy/snap/recognition/data/sift_projection.npz
    python -m groupbuy.snap.recognition.train folder PHOTOS_DIR --out model.npz

``grocery`` and ``projection`` read the Grocery Store Dataset's train split
only. ``folder`` trains on any tree of ``PHOTOS_DIR/<category-slug>/*.jpg``
with the shipped encoder, as the catalog job does with reference images.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from groupbuy.snap.recognition import grocery
from groupbuy.snap.recognition.category_encoder import CategoryEncoder
from groupbuy.snap.recognition.classifier import (
    CategoryClassifier,
    train_category_classifier,
)
from groupbuy.snap.recognition.shortlist import Projection, train_projection

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def train_grocery_classifier(
    root: Path,
    *,
    per_class: int | None = None,
    encoder_images: int = 300,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> CategoryClassifier:
    """Fit an encoder and a classifier on the dataset's train split."""
    classes = grocery.read_classes(root)
    photos = grocery.sample_per_class(grocery.read_split(root, "train"), per_class)
    rng = np.random.default_rng(seed)
    encoder_sample = rng.permutation(len(photos))[:encoder_images]
    started = time.perf_counter()
    encoder = CategoryEncoder.fit(
        (grocery.load_rgb(photos[i].path) for i in sorted(encoder_sample)), seed=seed
    )
    log(f"encoder fitted on {len(encoder_sample)} photos in {_since(started)}")
    slugs = {c.class_id: c.slug for c in classes}
    samples = ((grocery.load_rgb(p.path), slugs[p.class_id]) for p in photos)
    classifier = train_category_classifier(
        samples, encoder=encoder, parents=grocery.category_parents(classes), seed=seed
    )
    classifier.metadata.update(
        {
            "dataset": "Grocery Store Dataset (Klasson et al. 2019), train split",
            "per_class_limit": per_class,
        }
    )
    log(
        f"classifier trained on {len(photos)} photos in {_since(started)} "
        f"(temperature {classifier.temperature:.2f})"
    )
    return classifier


def train_folder_classifier(root: Path) -> CategoryClassifier:
    """Train on ``root/<label>/<photo>`` with the shipped encoder."""
    paths = sorted(
        path
        for path in root.glob("*/*")
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
    )
    return train_category_classifier(
        (grocery.load_rgb(path), path.parent.name) for path in paths
    )


def train_grocery_projection(root: Path, *, images: int, seed: int = 0) -> Projection:
    """Fit the shortlist's descriptor projection on train photos."""
    photos = grocery.read_split(root, "train")
    chosen = np.random.default_rng(seed).permutation(len(photos))[:images]
    return train_projection(
        (grocery.load_rgb(photos[i].path) for i in sorted(chosen)), seed=seed
    )


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m groupbuy.snap.recognition.train")
    commands = parser.add_subparsers(dest="command", required=True)
    grocery_command = commands.add_parser("grocery", help="category classifier")
    grocery_command.add_argument("dataset", type=Path)
    grocery_command.add_argument("--out", type=Path, required=True)
    grocery_command.add_argument("--per-class", type=int, default=None)
    projection_command = commands.add_parser("projection", help="SIFT projection")
    projection_command.add_argument("dataset", type=Path)
    projection_command.add_argument("--out", type=Path, required=True)
    projection_command.add_argument("--images", type=int, default=200)
    folder_command = commands.add_parser("folder", help="classifier from a folder")
    folder_command.add_argument("photos", type=Path)
    folder_command.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    if arguments.command == "grocery":
        model = train_grocery_classifier(
            arguments.dataset, per_class=arguments.per_class
        )
        model.save(arguments.out)
    elif arguments.command == "projection":
        projection = train_grocery_projection(
            arguments.dataset, images=arguments.images
        )
        projection.save(arguments.out)
    else:
        train_folder_classifier(arguments.photos).save(arguments.out)
    print(f"wrote {arguments.out} in {_since(started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
