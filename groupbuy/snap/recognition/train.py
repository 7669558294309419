"""Train the appearance stage's shipped models.

    python -m groupbuy.snap.recognition.train grocery DATASET_DIR \\
        --out groupbuy/snap/recognition/data/grocery_classifier.npz
    python -m groupbuy.snap.recognition.train projection DATASET_DIR \\
        --out groupbuy/snap/recognition/data/sift_projection.npz
    python -m groupbuy.snap.recognition.train folder PHOTOS_DIR --out model.npz
    python -m groupbuy.snap.recognition.train calibration DATASET_DIR \\
        --out groupbuy/snap/recognition/data/calibration.json

``grocery`` and ``projection`` read the Grocery Store Dataset's train split
only. ``folder`` trains on any tree of ``PHOTOS_DIR/<category-slug>/*.jpg``
with the shipped encoder, as the catalog job does with reference images.
``calibration`` measures the appearance stage's product matches on the
calibration part of the train split (every ``CALIBRATION_EVERY``-th photo) and
writes the score → precision table (see calibration.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from groupbuy.snap.recognition import grocery
from groupbuy.snap.recognition.base import RecognitionContext, SnapImage
from groupbuy.snap.recognition.calibration import (
    CalibrationTable,
    fit_calibration,
    read_calibration,
    save_calibration,
)
from groupbuy.snap.recognition.category_encoder import CategoryEncoder
from groupbuy.snap.recognition.classifier import (
    CategoryClassifier,
    train_category_classifier,
)
from groupbuy.snap.recognition.local_features import extract_local_features
from groupbuy.snap.recognition.reference_index import ReferenceImageIndex
from groupbuy.snap.recognition.shortlist import Projection, train_projection

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
# The fixed calibration part of the train split: every fifth photo (528).
CALIBRATION_EVERY = 5


def calibration_part(root: Path) -> list[grocery.GroceryPhoto]:
    return grocery.read_split(root, "train")[::CALIBRATION_EVERY]


def grocery_catalog(root: Path) -> ReferenceImageIndex:
    """Index each class's iconic image, as the benchmark's catalog."""
    index = ReferenceImageIndex()
    for grocery_class in grocery.read_classes(root):
        index.add_features(
            grocery_class.slug,
            grocery_class.slug,
            extract_local_features(grocery.load_rgb(grocery_class.iconic_image)),
            key=grocery_class.slug,
        )
    return index


def best_product_guesses(
    index: ReferenceImageIndex, photos: list[grocery.GroceryPhoto], slugs: dict
) -> tuple[list[float], list[bool]]:
    """Return the best appearance product match's score and rightness per photo.

    Photos with no product match at all give no guess and are left out.
    """
    from groupbuy.snap.recognition.appearance import AppearanceStage

    stage = AppearanceStage(index, classifier=None)
    scores, correct = [], []
    for photo in photos:
        candidates = stage.run(
            SnapImage(grocery.load_rgb(photo.path)), RecognitionContext()
        )
        products = [c for c in candidates if c.kind == "product"]
        if not products:
            continue
        best = max(products, key=lambda c: c.confidence)
        scores.append(best.confidence)
        correct.append(best.value == slugs[photo.class_id])
    return scores, correct


def fit_appearance_calibration(
    root: Path, *, log: Callable[[str], None] = print
) -> CalibrationTable:
    started = time.perf_counter()
    index = grocery_catalog(root)
    slugs = {c.class_id: c.slug for c in grocery.read_classes(root)}
    photos = calibration_part(root)
    scores, correct = best_product_guesses(index, photos, slugs)
    log(
        f"appearance: {len(scores)} product guesses on {len(photos)} calibration"
        f" photos, {sum(correct)} right, in {_since(started)}"
    )
    return fit_calibration(
        scores,
        correct,
        fitted_on=(
            "Grocery Store Dataset train split, every "
            f"{CALIBRATION_EVERY}th photo ({len(photos)}), best product match"
            " against the 81 iconic images"
        ),
    )


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
    calibration_command = commands.add_parser(
        "calibration", help="appearance score -> precision table"
    )
    calibration_command.add_argument("dataset", type=Path)
    calibration_command.add_argument("--out", type=Path, required=True)
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
    elif arguments.command == "calibration":
        tables = read_calibration(arguments.out) if arguments.out.exists() else {}
        tables["appearance"] = fit_appearance_calibration(arguments.dataset)
        save_calibration(tables, arguments.out)
    else:
        train_folder_classifier(arguments.photos).save(arguments.out)
    print(f"wrote {arguments.out} in {_since(started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
