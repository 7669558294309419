"""Measure end-to-end ``POST /api/snap`` latency: the barcode path and the OCR path.

Usage, from the repository root:

    .venv/bin/python benchmarks/snap_latency.py            # ~1 min on 2 cores
    .venv/bin/python benchmarks/snap_latency.py --quick    # ~15 s
    .venv/bin/python benchmarks/snap_latency.py \\
        --catalog ../shared/datasets/catalog/off_lifyzer_2018_subset.csv

A throw-away installation (SQLite in a temporary data directory, migrated) gets
a catalog of a few hundred products: generated Chinese/English names with
valid in-store GTINs, or real Open Food Facts names and barcodes with
``--catalog``. Photos are generated at the size the snap page uploads (long
side 1600 px): a barcode label on a cluttered shelf, and a printed product
label (Chinese name, English name, net content) for the OCR path.

Each photo goes through Django's test client as a signed-in shopper, so a
request is the whole server path: multipart parsing, intake checks, the
recognition pipeline, catalog lookups, open deals, storing the photo and the
snap row, and counting demand. Models load before timing starts (the cold start
is reported apart). Baseline in the same run: ``GET /api/health`` through the
same client, the cost of a request that recognises nothing.

An answer is right, wrong, or not recognised; since the snap's precision work a
name read by OCR below the calibrated precision for counting at once comes back
unconfirmed, with alternatives the shopper chooses from: those are counted apart
by whether the right product is the first alternative. The last line printed is
one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PHOTO_SIZE = (1600, 1200)
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET_BARCODE_MS = 150
TARGET_OCR_MS = 1500
BASELINE_REQUESTS = 50

BRANDS = [
    ("清泉", "Qingquan"), ("山野", "Shanye"), ("金穗", "Jinsui"), ("蓝湾", "Lanwan"),
    ("福满", "Fuman"), ("晨光", "Chenguang"), ("禾田", "Hetian"), ("海韵", "Haiyun"),
    ("青松", "Qingsong"), ("云岭", "Yunling"), ("味源", "Weiyuan"), ("喜乐", "Xile"),
]  # fmt: skip
FLAVOURS = [
    ("茉莉", "Jasmine"), ("乌龙", "Oolong"), ("红枣", "Red date"), ("蜂蜜", "Honey"),
    ("柠檬", "Lemon"), ("椰子", "Coconut"), ("芝麻", "Sesame"), ("香草", "Vanilla"),
    ("草莓", "Strawberry"), ("绿豆", "Mung bean"), ("黑米", "Black rice"),
]  # fmt: skip
KINDS = [
    ("绿茶", "green tea", "500ml"), ("饼干", "biscuits", "200g"),
    ("酸奶", "yoghurt", "250g"), ("果汁", "juice", "1l"),
    ("面条", "noodles", "400g"), ("牛奶", "milk", "250ml"),
    ("糕点", "pastry", "300g"), ("米粉", "rice noodles", "1kg"),
]  # fmt: skip


@dataclass
class CatalogEntry:
    gtin: str
    name_zh: str
    name_en: str
    spec: str = ""


@dataclass
class PathResult:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    right: int = 0
    wrong: int = 0
    # Unconfirmed answers: the shopper is asked to choose among alternatives.
    asked_right_first: int = 0
    asked_other_first: int = 0
    missed: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, elapsed_ms: float, answer: dict, entry: CatalogEntry) -> None:
        self.latencies_ms.append(elapsed_ms)
        self.server_ms.append(answer.get("total_ms", 0.0))
        product = answer.get("product")
        alternatives = answer.get("alternatives") or []
        if product is not None and product["gtin"] == entry.gtin:
            self.right += 1
            return
        if product is not None:
            self.wrong += 1
        elif answer.get("needs_confirmation") and alternatives:
            if alternatives[0]["product"]["gtin"] == entry.gtin:
                self.asked_right_first += 1
                return
            self.asked_other_first += 1
        else:
            self.missed += 1
        read = " / ".join(answer.get("ocr_text", "").splitlines())
        self.misses.append(f"{entry.name_zh!r} (read: {read!r})")

    def figures(self) -> dict:
        return {
            "photos": len(self.latencies_ms),
            "p50_ms": round(self.percentile(0.5), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "server_p50_ms": round(statistics.median(self.server_ms), 1),
            "right": self.right,
            "wrong": self.wrong,
            "asked_right_first": self.asked_right_first,
            "asked_other_first": self.asked_other_first,
            "not_recognised": self.missed,
        }

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        position = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
        return ordered[position]

    def line(self) -> str:
        count = len(self.latencies_ms)
        return (
            f"{self.name:8s} n={count:3d}  p50 {self.percentile(0.5):7.1f} ms  "
            f"p95 {self.percentile(0.95):7.1f} ms  mean "
            f"{statistics.fmean(self.latencies_ms):7.1f} ms  "
            f"(server-side p50 {statistics.median(self.server_ms):7.1f} ms)  "
            f"right {self.right}/{count}, wrong {self.wrong}, asked with the "
            f"right one first {self.asked_right_first}, asked with another first "
            f"{self.asked_other_first}, not recognised {self.missed}"
        )


def generated_catalog(count: int, seed: int = 7) -> list[CatalogEntry]:
    from groupbuy.catalog.gtin import gtin_check_digit

    combos = [
        (brand, flavour, kind)
        for brand in BRANDS
        for flavour in FLAVOURS
        for kind in KINDS
    ]
    random.Random(seed).shuffle(combos)
    entries = []
    for number, (brand, flavour, kind) in enumerate(combos[:count], start=1):
        body = f"29{number:010d}"
        entries.append(
            CatalogEntry(
                gtin=body + str(gtin_check_digit(body)),
                name_zh=f"{brand[0]}{flavour[0]}{kind[0]}",
                name_en=f"{brand[1]} {flavour[1]} {kind[1]}",
                spec=kind[2],
            )
        )
    return entries


def csv_catalog(path: Path, count: int, seed: int = 7) -> list[CatalogEntry]:
    """Real Open Food Facts products with a valid EAN-13 and a Chinese name."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["check_digit_valid"] == "True"
            and row["gtin_length"] == "13"
            and row["name_has_han_chars"] == "True"
            and 4 <= len(row["product_name"].strip()) <= 24
        ]
    random.Random(seed).shuffle(rows)
    seen, entries = set(), []
    for row in rows:
        if row["barcode"] in seen:
            continue
        seen.add(row["barcode"])
        entries.append(CatalogEntry(row["barcode"], row["product_name"].strip(), ""))
        if len(entries) == count:
            break
    return entries


def setup_django(data_dir: Path) -> None:
    os.environ["GROUPBUY_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "groupbuy.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"
    # Production settings otherwise, so the test client's host must be allowed
    # and plain HTTP not redirected.
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["GROUPBUY_HTTPS"] = "0"
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.GROUPBUY_SNAP_SNAPS_PER_MINUTE = 0  # the benchmark is one fast client


def seed_catalog(entries: list[CatalogEntry]) -> None:
    from django.db import transaction

    from groupbuy.catalog.models import Product

    with transaction.atomic():
        for entry in entries:
            Product.objects.create(
                gtin=entry.gtin,
                name_zh=entry.name_zh,
                name_en=entry.name_en,
                spec=entry.spec,
                source="benchmark",
            )


def barcode_photo(entry: CatalogEntry, seed: int) -> bytes:
    import zxingcpp

    from groupbuy.snap.tests import imaging

    photo = imaging.barcode_photo(
        entry.gtin,
        zxingcpp.BarcodeFormat.EAN13,
        size=PHOTO_SIZE,
        scale=4,
        angle=random.Random(seed).uniform(-12, 12),
        seed=seed,
    )
    return imaging.encode(photo, "JPEG", quality=92)


def label_photo(entry: CatalogEntry, seed: int, font_path: Path) -> bytes:
    """A printed label: the Chinese name big, the English name and content below."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from groupbuy.snap.tests import imaging

    width, height = PHOTO_SIZE
    scene = Image.fromarray(imaging.photo_background(width, height, seed=seed))
    label = Image.new("RGB", (int(width * 0.7), int(height * 0.5)), "white")
    draw = ImageDraw.Draw(label)
    big = ImageFont.truetype(str(font_path), 96)
    small = ImageFont.truetype(str(font_path), 56)
    draw.text((50, 50), entry.name_zh, fill=(25, 25, 35), font=big)
    lines = [entry.name_en, f"净含量 {entry.spec}" if entry.spec else ""]
    for index, text in enumerate(line for line in lines if line):
        draw.text((50, 200 + index * 90), text, fill=(40, 40, 50), font=small)
    angle = random.Random(seed).uniform(-6, 6)
    label = label.rotate(angle, expand=True, fillcolor=(0, 0, 0))
    mask = Image.new("L", label.size, 0)
    ImageDraw.Draw(mask).polygon(
        _rotated_corners(label.size, angle, (int(width * 0.7), int(height * 0.5))),
        fill=255,
    )
    scene.paste(label, ((width - label.width) // 2, (height - label.height) // 2), mask)
    photo = imaging.degrade(np.asarray(scene), blur=0.8, noise=4.0, seed=seed)
    return imaging.encode(photo, "JPEG", quality=90)


def _rotated_corners(size, angle, original):
    import math

    width, height = original
    cx, cy = size[0] / 2, size[1] / 2
    radians = math.radians(-angle)
    corners = []
    for x, y in ((0, 0), (width, 0), (width, height), (0, height)):
        dx, dy = x - width / 2, y - height / 2
        corners.append(
            (
                cx + dx * math.cos(radians) - dy * math.sin(radians),
                cy + dx * math.sin(radians) + dy * math.cos(radians),
            )
        )
    return corners


def post_photo(client, data: bytes) -> tuple[float, dict]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("snap.jpg", data, "image/jpeg")
    started = time.perf_counter()
    response = client.post("/api/snap", {"photo": upload})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"POST /api/snap answered {response.status_code}")
    return elapsed, response.json()


def print_breakdown(barcode_count: int, ocr_count: int) -> None:
    """Print the server-side stage times (medians) the snaps recorded."""
    from groupbuy.snap.models import Snap

    snaps = list(Snap.objects.order_by("created_at", "id"))
    groups = (
        ("barcode", snaps[2 : 2 + barcode_count]),
        ("OCR", snaps[2 + barcode_count : 2 + barcode_count + ocr_count]),
    )
    for name, group in groups:
        stages: dict[str, list[float]] = {}
        for snap in group:
            timings = dict(snap.timings_ms)
            known = sum(timings.get(k, 0) for k in ("decode", "recognise", "resolve"))
            timings["store and count"] = snap.total_ms - known
            for stage, value in timings.items():
                stages.setdefault(stage, []).append(value)
        parts = ", ".join(
            f"{stage} {statistics.median(values):.1f}"
            for stage, values in stages.items()
            if stage != "total"
        )
        print(f"{name:8s} server-side medians (ms): {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer photos")
    parser.add_argument("--catalog", type=Path, help="Open Food Facts subset CSV")
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--font", type=Path, default=CJK_FONT)
    arguments = parser.parse_args()
    barcode_count, ocr_count = (12, 6) if arguments.quick else (60, 30)

    with tempfile.TemporaryDirectory(prefix="groupbuy-snap-bench-") as data_dir:
        setup_django(Path(data_dir))
        entries = (
            csv_catalog(arguments.catalog, arguments.products)
            if arguments.catalog
            else generated_catalog(arguments.products)
        )
        seed_catalog(entries)
        font = arguments.font
        if not font.exists():
            font = REPO_ROOT / "groupbuy/snap/tests/fonts/NotoSansSC-TestSubset.otf"
        run(entries, barcode_count, ocr_count, font, arguments)


def run(entries, barcode_count, ocr_count, font, arguments) -> None:
    from django.test import Client

    from groupbuy.accounts.models import User

    shopper = User.objects.create_user(phone="+8613900000001", password="benchmark-1")
    client = Client()
    client.force_login(shopper)
    rng = random.Random(11)
    barcode_entries = rng.sample(entries, barcode_count)
    ocr_entries = rng.sample(entries, ocr_count)
    source = "Open Food Facts" if arguments.catalog else "generated"
    print(f"catalog: {len(entries)} products ({source})")
    print("preparing photos…", flush=True)
    barcode_photos = [barcode_photo(e, seed) for seed, e in enumerate(barcode_entries)]
    label_photos = [
        label_photo(e, 100 + seed, font) for seed, e in enumerate(ocr_entries)
    ]
    sizes = [len(p) for p in barcode_photos + label_photos]
    median_kb = statistics.median(sizes) / 1024
    print(f"photos: {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} JPEG, median {median_kb:.0f} kB")

    cold_started = time.perf_counter()
    post_photo(client, label_photos[0])
    cold_ms = (time.perf_counter() - cold_started) * 1000
    post_photo(client, barcode_photos[0])
    print(f"cold start (models and indexes load, first OCR): {cold_ms:.0f} ms")

    barcode = PathResult("barcode")
    for entry, photo in zip(barcode_entries, barcode_photos, strict=True):
        elapsed, answer = post_photo(client, photo)
        barcode.add(elapsed, answer, entry)
    ocr = PathResult("OCR")
    for entry, photo in zip(ocr_entries, label_photos, strict=True):
        elapsed, answer = post_photo(client, photo)
        ocr.add(elapsed, answer, entry)

    baseline_ms = []
    for _ in range(BASELINE_REQUESTS):
        started = time.perf_counter()
        client.get("/api/health")
        baseline_ms.append((time.perf_counter() - started) * 1000)
    baseline_p50 = statistics.median(baseline_ms)

    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, load average {load}")
    print(barcode.line())
    print(ocr.line())
    print(f"baseline GET /api/health p50 {baseline_p50:.1f} ms")
    print_breakdown(barcode_count, ocr_count)
    for result in (barcode, ocr):
        for miss in result.misses:
            print(f"{result.name} missed: {miss}")
    print(
        json.dumps(
            {
                "benchmark": "snap_latency",
                "quick": arguments.quick,
                "catalog": source,
                "products": len(entries),
                "load_average": round(os.getloadavg()[0], 2),
                "cold_start_ms": round(cold_ms),
                "baseline_health_p50_ms": round(baseline_p50, 1),
                "barcode": barcode.figures(),
                "ocr": ocr.figures(),
                "target_p50_ms": {"barcode": TARGET_BARCODE_MS, "ocr": TARGET_OCR_MS},
            }
        )
    )


if __name__ == "__main__":
    main()
