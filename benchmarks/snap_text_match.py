"""Snap to deal: how fast the product-name index builds and answers.

    .venv/bin/python benchmarks/snap_text_match.py [--quick]
    .venv/bin/python benchmarks/snap_text_match.py \\
        --catalog ../shared/datasets/catalog/off_lifyzer_2018_subset.csv

The name index (``snap.recognition.text_match.ProductNameIndex``) is what a
label's OCR lines are matched against. It is built once per catalog state and
matched on every snap that shows a name. Each product is read three ways: its
label (the name broken over two lines at its first space, then a size line),
the same with one character misread (dropped, or read as 口, 1 or l), and the
name among sixty lines of an ingredient list, as on a photo full of text.

The baseline, measured in the same run, is the plain scan the index replaces:
rapidfuzz's ``partial_ratio`` of the joined lines against every name
(``process.extractOne``). For both, the share of reads whose best product is
the right one is given beside the share whose best is another product (the
index may answer nothing; the scan always names its closest): a fast wrong
answer is no gain.

Without ``--catalog`` the catalog is generated (brands × kinds × sizes, the
names overlapping as a shop's do): 3,000 products (``--quick``: 1,000) and,
in a full run, 30,000. With it, the Open Food Facts names (5,739) are used as
they are. The test suite checks what the index answers, not how fast
(``snap/tests/test_text_match.py``); these figures are measured here.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from groupbuy.snap.recognition.text_match import ProductNameIndex  # noqa: E402

BRANDS = ["农夫山泉", "怡宝", "康师傅", "统一", "娃哈哈", "可口可乐", "伊利", "蒙牛"]
KINDS = ["饮用水", "绿茶", "冰红茶", "果汁", "方便面", "饼干", "酸奶", "牛奶"]
FILLER = [
    f"配料 {number} 水 天然 矿物质 含量 Water content {number}" for number in range(58)
]


def generated_catalog(count: int) -> list[tuple[str, str]]:
    return [
        (
            f"prod_{number:06d}",
            f"{BRANDS[number % 8]} {KINDS[number // 8 % 8]} {number}ml",
        )
        for number in range(count)
    ]


def file_catalog(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [
            (row["barcode"], row["product_name"].strip())
            for row in csv.DictReader(handle)
            if len(row["product_name"].strip()) >= 2
        ]


def misread(name: str, rng: random.Random) -> str:
    """The name as OCR often reads it: one character dropped or taken for
    another, and broken over two lines at a space."""
    position = rng.randrange(len(name))
    replacement = rng.choice(["", "口", "1", "l"])
    return name[:position] + replacement + name[position + 1 :]


def readings(name: str, rng: random.Random) -> dict[str, list[str]]:
    return {
        "label": [*name.split(" ", 1), "净含量 500ml"],
        "misread": [*misread(name, rng).split(" ", 1), "净含量 500ml"],
        "photo": [*FILLER[:30], name, *FILLER[30:]],
    }


def timed(function, *args) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - started) * 1000


def measure(catalog: list[tuple[str, str]], reads: int, seed: int) -> dict:
    started = time.perf_counter()
    index = ProductNameIndex.build(
        ((product, [name]) for product, name in catalog), version="bench"
    )
    build_s = time.perf_counter() - started
    names = [name for _, name in catalog]
    products = [product for product, _ in catalog]
    # A name several products share cannot be told apart by any method.
    counts = Counter(names)
    unique = [(product, name) for product, name in catalog if counts[name] == 1]
    sample = random.Random(seed).sample(unique, min(reads, len(unique)))

    def by_index(lines):
        matches = index.match(lines)
        return matches[0].product_public_id if matches else None

    def by_scan(lines):
        found = process.extractOne(" ".join(lines), names, scorer=fuzz.partial_ratio)
        return products[found[2]] if found else None

    figures: dict = {"products": len(catalog), "build_s": round(build_s, 3)}
    rng = random.Random(seed)
    shown = [(product, readings(name, rng)) for product, name in sample]
    for method, matcher in (("index", by_index), ("scan", by_scan)):
        for kind in ("label", "misread", "photo"):
            times, right, wrong = [], 0, 0
            for product, lines in shown:
                answer, ms = timed(matcher, lines[kind])
                times.append(ms)
                right += answer == product
                wrong += answer not in (None, product)
            times.sort()
            figures[f"{method}_{kind}_p50_ms"] = round(statistics.median(times), 2)
            figures[f"{method}_{kind}_p95_ms"] = round(
                times[int(0.95 * (len(times) - 1))], 2
            )
            figures[f"{method}_{kind}_right"] = round(right / len(shown), 3)
            figures[f"{method}_{kind}_wrong"] = round(wrong / len(shown), 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, help="Open Food Facts CSV")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=20261202)
    arguments = parser.parse_args()
    reads = 40 if arguments.quick else 300
    if arguments.catalog:
        catalogs = {"open_food_facts": file_catalog(arguments.catalog)}
        if arguments.quick:
            catalogs = {"open_food_facts": catalogs["open_food_facts"][:1_500]}
    else:
        sizes = (1_000,) if arguments.quick else (3_000, 30_000)
        catalogs = {f"generated_{size}": generated_catalog(size) for size in sizes}
    # Load jieba's dictionary before anything is timed: a server does it once.
    ProductNameIndex.build([("warm", ["可口可乐 零度"])]).match(["可口可乐"])
    results = {}
    for label, catalog in catalogs.items():
        results[label] = measure(catalog, reads, arguments.seed)
        print(label, json.dumps(results[label], ensure_ascii=False), flush=True)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
