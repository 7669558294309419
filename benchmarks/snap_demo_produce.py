"""Snap to deal: what the demo answers to shop photos of its fresh produce.

    .venv/bin/python benchmarks/snap_demo_produce.py ../shared/datasets/grocery
    .venv/bin/python benchmarks/snap_demo_produce.py DATASET --references 5
    .venv/bin/python benchmarks/snap_demo_produce.py DATASET --quick

``--quick`` reads every fifth photo of the split (under 30 s on two cores).

The demo sells fourteen kinds of fresh produce (groupbuy/catalog/demo.py), each
with the Grocery Store Dataset's studio ("iconic") photo as its one recognition
reference, and files each product under its kind, a category named by the
shipped category model's coarse slug (banana, apple, melon…). This runs the
appearance stage as the pipeline does on every photo of the split (val: never
seen by the model) and reads its answer as snap resolves it:

- a product: a reference match of confidence >= 0.15 (offered to the shopper);
- else a kind: the most confident category candidate >= 0.3 that is one of the
  demo's kinds ("It looks like …", with that kind's group buys);
- else nothing.

Each answer is right or wrong against the photo's class: a product must be the
demo's product of that class, a kind the photo's coarse class. Photos are
grouped by whether the demo sells that product, another variety of its kind
(a Granny Smith: the demo sells Golden Delicious), or nothing of its kind.
``--references N`` also enrols N train photos per sold product as references
(what a shop teaching snap with its own photos would do). Does not need
Django; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from groupbuy.snap.recognition.appearance import AppearanceStage  # noqa: E402
from groupbuy.snap.recognition.base import RecognitionContext  # noqa: E402
from groupbuy.snap.recognition.classifier import load_default_classifier  # noqa: E402
from groupbuy.snap.recognition.grocery import read_classes, read_split  # noqa: E402
from groupbuy.snap.recognition.image import load_snap_image  # noqa: E402
from groupbuy.snap.recognition.reference_index import ReferenceImageIndex  # noqa: E402

PHOTOS = ROOT / "groupbuy" / "catalog" / "demo_photos"
# demo photo name -> the dataset's fine class (slug) it shows
SOLD = {
    "banana": "banana",
    "golden-delicious-apple": "golden-delicious",
    "kiwi": "kiwi",
    "mango": "mango",
    "orange": "orange",
    "pineapple": "pineapple",
    "watermelon": "watermelon",
    "avocado": "avocado",
    "carrots": "carrots",
    "cucumber": "cucumber",
    "vine-tomato": "vine-tomato",
    "red-bell-pepper": "red-bell-pepper",
    "brown-cap-mushroom": "brown-cap-mushroom",
    "ginger": "ginger",
}
PRODUCT_MIN = 0.15  # resolve.ALTERNATIVE_MIN_CONFIDENCE
KIND_MIN = 0.3  # resolve.CATEGORY_MIN_CONFIDENCE


def load(path: Path):
    return load_snap_image(path.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--split", default="val")
    parser.add_argument("--references", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="every fifth photo")
    args = parser.parse_args()
    classes = {c.class_id: c for c in read_classes(args.dataset)}
    by_slug = {c.slug: c for c in classes.values()}
    product_of = {fine: photo for photo, fine in SOLD.items()}
    kinds = {by_slug[fine].coarse_slug for fine in SOLD.values()}

    index = ReferenceImageIndex()
    for photo in SOLD:
        index.add(photo, "", load(PHOTOS / f"{photo}.jpg").rgb, key=photo)
    if args.references:
        train = collections.defaultdict(list)
        for item in read_split(args.dataset, "train"):
            train[classes[item.class_id].slug].append(item)
        for fine, photo in product_of.items():
            items = train[fine]
            step = max(1, len(items) // args.references)
            for item in items[::step][: args.references]:
                index.add(photo, "", load(item.path).rgb, key=str(item.path))
    stage = AppearanceStage(index, load_default_classifier())

    counts: collections.Counter = collections.Counter()
    wrong: collections.Counter = collections.Counter()
    photos = read_split(args.dataset, args.split)
    for item in photos[::5] if args.quick else photos:
        truth = classes[item.class_id]
        if truth.slug in product_of:
            group = "product sold"
        elif truth.coarse_slug in kinds:
            group = "kind sold"
        else:
            group = "kind not sold"
        candidates = sorted(
            stage.run(load(item.path), RecognitionContext()),
            key=lambda c: -c.confidence,
        )
        product = next(
            (
                c
                for c in candidates
                if c.kind == "product" and c.confidence >= PRODUCT_MIN
            ),
            None,
        )
        kind = next(
            (
                c
                for c in candidates
                if c.kind == "category"
                and c.confidence >= KIND_MIN
                and c.value in kinds
            ),
            None,
        )
        if product is not None:
            answer = "product"
            right = product.value == product_of.get(truth.slug)
            said = product.value
        elif kind is not None:
            answer = "kind"
            right = kind.value == truth.coarse_slug
            said = kind.value
        else:
            counts[(group, "nothing", "")] += 1
            continue
        counts[(group, answer, "right" if right else "wrong")] += 1
        if not right:
            wrong[f"{truth.slug} -> {said}"] += 1

    print(
        f"split {args.split}; references: 14 studio photos + {args.references} "
        "train photos per product"
    )
    print(f"{'photo of':16} {'answer':8} {'verdict':8} count")
    for (group, answer, verdict), count in sorted(counts.items()):
        print(f"{group:16} {answer:8} {verdict:8} {count}")
    print("wrong:", ", ".join(f"{k} ×{n}" for k, n in wrong.most_common()))
    print(json.dumps({" / ".join(k).strip(" /"): n for k, n in sorted(counts.items())}))


if __name__ == "__main__":
    main()
