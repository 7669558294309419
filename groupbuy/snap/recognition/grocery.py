"""Read the Grocery Store Dataset (Klasson et al., WACV 2019; MIT licence).

Layout: ``classes.csv`` (fine class, its coarse class and iconic image),
``train.txt`` / ``val.txt`` / ``test.txt`` with lines ``path, fine id, coarse
id``, and the photos under ``train/``, ``val/``, ``test/``. Labels become
category slugs (``granny-smith`` under ``apple`` under ``fruit``) so the
shipped model's labels read like catalog categories.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class GroceryClass:
    class_id: int
    slug: str
    coarse_id: int
    coarse_slug: str
    group_slug: str  # fruit, vegetables or packages
    iconic_image: Path


@dataclass(frozen=True)
class GroceryPhoto:
    path: Path
    class_id: int
    coarse_id: int


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def read_classes(root: Path) -> list[GroceryClass]:
    """Return the dataset's fine classes in id order."""
    with open(root / "classes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    classes = []
    for name, class_id, coarse_name, coarse_id, iconic, _description in rows:
        iconic_path = Path(iconic.lstrip("/"))
        classes.append(
            GroceryClass(
                class_id=int(class_id),
                slug=slugify(name),
                coarse_id=int(coarse_id),
                coarse_slug=slugify(coarse_name),
                group_slug=slugify(iconic_path.parts[1]),
                iconic_image=root / iconic_path,
            )
        )
    return sorted(classes, key=lambda c: c.class_id)


def read_split(root: Path, split: str) -> list[GroceryPhoto]:
    """Return the photos listed in ``<split>.txt``; FileNotFoundError if absent."""
    photos = []
    for line in (root / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        path, class_id, coarse_id = (part.strip() for part in line.split(","))
        photos.append(GroceryPhoto(root / path, int(class_id), int(coarse_id)))
    return photos


def category_parents(classes: list[GroceryClass]) -> dict[str, str]:
    """Return child slug -> parent slug for fine, coarse and group levels.

    A coarse class with a single fine class often shares its name
    ("avocado"); such a leaf hangs directly under its group.
    """
    parents = {}
    for grocery_class in classes:
        parents[grocery_class.coarse_slug] = grocery_class.group_slug
        if grocery_class.slug != grocery_class.coarse_slug:
            parents[grocery_class.slug] = grocery_class.coarse_slug
    return parents


def load_rgb(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError(f"cannot read image {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def sample_per_class(
    photos: list[GroceryPhoto], per_class: int | None, seed: int = 0
) -> list[GroceryPhoto]:
    """Return at most ``per_class`` photos of each class, chosen reproducibly."""
    if per_class is None:
        return photos
    rng = np.random.default_rng(seed)
    chosen = []
    for class_id in sorted({photo.class_id for photo in photos}):
        of_class = [photo for photo in photos if photo.class_id == class_id]
        picked = rng.permutation(len(of_class))[:per_class]
        chosen.extend(of_class[i] for i in sorted(picked))
    return chosen
