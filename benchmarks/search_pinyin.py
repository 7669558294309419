"""Pinyin and initials search: right and wrong answers, and what it costs.

    .venv/bin/python benchmarks/search_pinyin.py \\
        ../shared/datasets/catalog/off_lifyzer_2018_subset.csv [--quick]

Loads the Open Food Facts catalog (5,739 products, 322 with Han characters in
their names) into an in-memory SQLite database, then searches it as a
Chinese shopper types: for each word of two or more Han characters (jieba) in
a held-out name, its pinyin ("niunai") and its initials ("nn"), through the
catalog search every page uses (``catalog.selectors.products_matching``).

Held out: the names whose barcode's CRC32 is odd, which were not looked at
while the rules (``catalog.pinyin``) were written. A product is a right answer
when its name holds the word (Traditional characters read as Simplified), a
wrong one otherwise (a homophone such as 奶牛 for "niunai" counts as wrong:
the shopper typed one word). For each kind: the share of queries whose first
result is right, the share whose first page (20) holds every right product,
the wrong products on the first page, and the share that found nothing.

The baseline, in the same run, is the plain name search with the word typed
in Han characters: its time per query beside the pinyin and initials ones.
``--quick`` takes 60 words (~10 s). Two ranking choices were tried on those
60 (a name the pinyin starts first: kept; two-letter initials only at the start
of a name: dropped, it found fewer right products); ``--unseen`` leaves them
out, so its figures come from words nothing was tried on. The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAGE = 20
QUICK_WORDS = 60


def setup_django(data_dir: str) -> None:
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    # In memory, with only the tables the search reads made from the models
    # (their columns and indexes as the migrations leave them): migrating the
    # whole project takes 12 s of CPU, more than the rest of a quick run.
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.db import connection

    from groupbuy.catalog.models import Category, Merchant, Product, ProductAlias

    with connection.schema_editor() as editor:
        for model in (Category, Merchant, Product, ProductAlias):
            editor.create_model(model)


def read_catalog(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = [
            (row["barcode"], row["product_name"].strip())
            for row in csv.DictReader(handle)
        ]
    return [(barcode, name) for barcode, name in rows if name]


def load(rows: list[tuple[str, str]]) -> None:
    """Insert the products as Product.save() would write them, in bulk."""
    from groupbuy.catalog.models import Product
    from groupbuy.catalog.pinyin import name_keys

    products = []
    for barcode, name in rows:
        pinyin, initials = name_keys(name)
        products.append(
            Product(
                name_zh=name,
                source="Open Food Facts contributors (ODbL)",
                search_pinyin=pinyin,
                search_initials=initials,
                public_id=f"prd_bench{barcode}",
            )
        )
    Product.objects.bulk_create(products, batch_size=1000)


def held_out_words(rows, *, limit: int | None) -> list[str]:
    """Return the distinct Han words (two characters or more) of held-out names."""
    import jieba

    from groupbuy.catalog.pinyin import _HAN, to_simplified

    jieba.setLogLevel(60)
    words: dict[str, None] = {}
    for barcode, name in rows:
        if not _HAN.search(name) or zlib.crc32(barcode.encode()) % 2 == 0:
            continue
        for word in jieba.cut(to_simplified().convert(name)):
            if len(word) >= 2 and all(_HAN.fullmatch(c) for c in word):
                words[word] = None
    found = sorted(words, key=lambda w: zlib.crc32(w.encode()))
    return found[:limit] if limit else found


def simplified_names(rows) -> list[tuple[str, str]]:
    from groupbuy.catalog.pinyin import _HAN, to_simplified

    convert = to_simplified().convert
    return [
        (f"prd_bench{barcode}", convert(name))
        for barcode, name in rows
        if _HAN.search(name)
    ]


def right_answers(names, word: str) -> set[str]:
    return {public_id for public_id, name in names if word in name}


def timed_search(query: str) -> tuple[list[str], float]:
    from groupbuy.catalog.selectors import products_matching

    started = time.perf_counter()
    found = list(
        products_matching(query=query).values_list("public_id", flat=True)[:PAGE]
    )
    return found, time.perf_counter() - started


def measure(rows, words) -> dict:
    from groupbuy.catalog.pinyin import syllables

    kinds = {"pinyin": [], "initials": [], "baseline": []}
    names = simplified_names(rows)
    for word in words:
        readings = syllables(word)
        right = right_answers(names, word)
        queries = {
            "pinyin": "".join(readings),
            "initials": "".join(reading[0] for reading in readings),
            "baseline": word,
        }
        for kind, query in queries.items():
            found, seconds = timed_search(query)
            kinds[kind].append((found, right, seconds))
    return {kind: summary(results) for kind, results in kinds.items()}


def summary(results) -> dict:
    count = len(results)
    times = sorted(seconds for _found, _right, seconds in results)
    return {
        "queries": count,
        "first_right": round(
            sum(bool(found) and found[0] in right for found, right, _s in results)
            / count,
            3,
        ),
        "all_right_on_page": round(
            sum(right <= set(found) for found, right, _s in results if right)
            / sum(1 for _f, right, _s in results if right),
            3,
        ),
        "wrong_on_page": round(
            statistics.mean(len(set(found) - right) for found, right, _s in results),
            2,
        ),
        "nothing": round(sum(not found for found, _r, _s in results) / count, 3),
        "p50_ms": round(times[count // 2] * 1000, 2),
        "p95_ms": round(times[min(count - 1, int(count * 0.95))] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", type=Path, help="off_lifyzer_2018_subset.csv")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="leave out the quick run's words, which ranking choices were tried on",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="groupbuy-pinyin-") as data_dir:
        started = time.perf_counter()
        setup_django(data_dir)
        rows = read_catalog(args.catalog)
        load(rows)
        words = held_out_words(rows, limit=QUICK_WORDS if args.quick else None)
        if args.unseen:
            words = words[QUICK_WORDS:]
        print(f"{len(rows)} products loaded; {len(words)} held-out words")
        results = measure(rows, words)
        for kind, figures in results.items():
            print(f"{kind:>9}: {figures}")
        print(
            json.dumps(
                {
                    "products": len(rows),
                    "words": len(words),
                    **results,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
