"""Measure snap-to-deal's barcode path against the plain zxing-cpp call.

Usage, from the repository root:

    .venv/bin/python benchmarks/snap_barcodes.py ../shared/datasets/barcodes [--quick]

DIR/MANIFEST.tsv lists the photos (path, format, expected_text, expected_file,
expected_encoding, …). Each photo is read twice, both times from its bytes:
(a) Pillow decode + ``zxingcpp.read_barcodes`` with the library's defaults,
(b) groupbuy's intake (``load_snap_image``) + the barcode stage's reader.
EAN/UPC are compared as GTIN-14 (readers report a UPC-A as a 13-digit EAN),
everything else by text. PDF417 and Data Matrix are not product codes; they
are read with the same retry strategy and reported apart from the headline.
With --printed-digits, the EAN/UPC photos the barcode path misses are also
OCR'd for the digits printed under the bars (what the name stage does).
Wrong reads (something read, but not the expected code) are counted per
format beside the decode rates, for both readers.

--part picks a fixed split of the set by folder: ``tuning`` (the folders
retries and thresholds may be tuned on) or ``held-out`` (the folders reported
as unseen); ``all`` (default) reads both. The last line printed is one JSON
object: ``part``, ``n``, ``plain_hits``, ``pipeline_hits``, ``plain_wrong``,
``pipeline_wrong`` over all formats read.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402

from groupbuy.snap.recognition.barcode import (  # noqa: E402
    BarcodeReader,
    BarcodeReading,
    printed_gtins,
)
from groupbuy.snap.recognition.image import load_snap_image  # noqa: E402
from groupbuy.snap.recognition.ocr import shared_ocr_engine  # noqa: E402

PRODUCT_FORMATS = ("EAN_13", "UPC_A", "EAN_8", "UPC_E", "QR_CODE")
RETAIL_FORMATS = {"EAN_13", "UPC_A", "EAN_8", "UPC_E"}
QUICK_EVERY = 3  # --quick reads every third photo
# The fixed split by folder (issue 15): one folder of each product format is
# held out; PDF417 and Data Matrix have one folder each, one on each side.
TUNING_FOLDERS = frozenset(
    {"ean13-1", "upca-1", "qrcode-1", "qrcode-2", "datamatrix-1"}
)
HELD_OUT_FOLDERS = frozenset({"ean13-2", "upca-2", "qrcode-3", "pdf417-1"})
PARTS = {"tuning": TUNING_FOLDERS, "held-out": HELD_OUT_FOLDERS}


def in_part(sample_path: str, part: str) -> bool:
    """Return whether a MANIFEST path (``folder/file``) belongs to ``part``."""
    if part == "all":
        return True
    return sample_path.split("/", 1)[0] in PARTS[part]


@dataclass
class Sample:
    path: Path
    format: str
    expected: str


@dataclass
class Tally:
    total: int = 0
    plain_hits: int = 0
    pipeline_hits: int = 0
    plain_wrong: int = 0
    pipeline_wrong: int = 0
    lost: list[str] = field(default_factory=list)
    plain_ms: list[float] = field(default_factory=list)
    pipeline_ms: list[float] = field(default_factory=list)
    rescued_by: Counter = field(default_factory=Counter)
    missed_but_printed: int = 0

    def add(self, other: Tally) -> None:
        for name in ("total", "plain_hits", "pipeline_hits", "plain_wrong"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.pipeline_wrong += other.pipeline_wrong
        self.lost += other.lost
        self.plain_ms += other.plain_ms
        self.pipeline_ms += other.pipeline_ms
        self.rescued_by += other.rescued_by
        self.missed_but_printed += other.missed_but_printed


def load_samples(directory: Path, part: str = "all") -> list[Sample]:
    samples = []
    with open(directory / "MANIFEST.tsv", encoding="utf-8", newline="") as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            if not in_part(row["path"], part):
                continue
            raw = (directory / row["expected_file"]).read_bytes()
            encoding = (
                "latin-1" if row["expected_encoding"].startswith("latin") else "utf-8"
            )
            samples.append(
                Sample(directory / row["path"], row["format"], raw.decode(encoding))
            )
    return samples


def normalised(text: str, barcode_format: str) -> str:
    if barcode_format in RETAIL_FORMATS and text.isdigit():
        return text.zfill(14)
    return text


def judge(texts: list[str], sample: Sample) -> str:
    """Return "hit", "wrong" (read something else) or "miss"."""
    expected = normalised(sample.expected, sample.format)
    if any(normalised(text, sample.format) == expected for text in texts):
        return "hit"
    return "wrong" if texts else "miss"


def read_plain(data: bytes) -> list[str]:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    symbols = zxingcpp.read_barcodes(picture, text_mode=zxingcpp.TextMode.Plain)
    return [symbol.text for symbol in symbols]


def read_pipeline(data: bytes, reader: BarcodeReader) -> list[BarcodeReading]:
    return reader.read(load_snap_image(data))


def read_printed_digits(data: bytes, sample: Sample) -> bool:
    """Return whether OCR of the digits under the bars finds the expected code."""
    lines = shared_ocr_engine().read(load_snap_image(data))
    expected = normalised(sample.expected, sample.format)
    return any(expected in printed_gtins(line.text) for line in lines)


def timed(function, *args) -> tuple[list[str], float]:
    started = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - started) * 1000


def measure(samples: list[Sample], printed_digits: bool) -> dict[str, Tally]:
    product_reader = BarcodeReader()
    # Same strategy, every format: shows the retries on codes snap doesn't use.
    any_format_reader = BarcodeReader(formats=zxingcpp.BarcodeFormat.All)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for sample in samples:
        data = sample.path.read_bytes()
        reader = (
            product_reader if sample.format in PRODUCT_FORMATS else any_format_reader
        )
        plain_texts, plain_ms = timed(read_plain, data)
        readings, pipeline_ms = timed(read_pipeline, data, reader)
        pipeline_texts = [reading.text for reading in readings]
        plain, pipeline = judge(plain_texts, sample), judge(pipeline_texts, sample)
        tally = tallies[sample.format]
        tally.total += 1
        tally.plain_hits += plain == "hit"
        tally.pipeline_hits += pipeline == "hit"
        tally.plain_wrong += plain == "wrong"
        tally.pipeline_wrong += pipeline == "wrong"
        if plain == "hit" and pipeline != "hit":
            tally.lost.append(str(sample.path))
        if plain != "hit" and pipeline == "hit":
            tally.rescued_by[readings[0].attempt] += 1
        if printed_digits and pipeline != "hit" and sample.format in RETAIL_FORMATS:
            tally.missed_but_printed += read_printed_digits(data, sample)
        tally.plain_ms.append(plain_ms)
        tally.pipeline_ms.append(pipeline_ms)
    return tallies


def percentile(values: list[float], fraction: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[
        round(fraction * 100) - 1
    ]


def report_line(label: str, tally: Tally) -> str:
    return (
        f"{label:<14} n={tally.total:<4}"
        f" decode plain {tally.plain_hits / tally.total:.2f} ({tally.plain_hits})"
        f" pipeline {tally.pipeline_hits / tally.total:.2f} ({tally.pipeline_hits})"
        f" | wrong plain {tally.plain_wrong} pipeline {tally.pipeline_wrong}"
        f" | p50 ms plain {percentile(tally.plain_ms, 0.5):.1f}"
        f" pipeline {percentile(tally.pipeline_ms, 0.5):.1f}"
        f" | p95 ms plain {percentile(tally.plain_ms, 0.95):.1f}"
        f" pipeline {percentile(tally.pipeline_ms, 0.95):.1f}"
        f" | lost {len(tally.lost)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="folder holding MANIFEST.tsv")
    parser.add_argument("--quick", action="store_true", help="every third photo")
    parser.add_argument(
        "--printed-digits",
        action="store_true",
        help="also OCR the digits under EAN/UPC codes the barcode path missed",
    )
    parser.add_argument(
        "--part",
        choices=("all", "tuning", "held-out"),
        default="all",
        help="the fixed split by folder (see TUNING_FOLDERS, HELD_OUT_FOLDERS)",
    )
    arguments = parser.parse_args(argv)

    samples = load_samples(arguments.directory, arguments.part)
    if arguments.quick:
        samples = samples[::QUICK_EVERY]
    tallies = measure(samples, arguments.printed_digits)

    product, other = Tally(), Tally()
    print(
        "snap barcodes: plain zxing-cpp call vs groupbuy's barcode path"
        f" (part: {arguments.part})"
    )
    print("-- product codes (EAN/UPC as GTIN-14, QR by text)")
    for name in sorted(tallies):
        if name in PRODUCT_FORMATS:
            print(report_line(name, tallies[name]))
            product.add(tallies[name])
    print(report_line("product total", product))
    print("-- other symbologies (same retry strategy, all formats enabled)")
    for name in sorted(tallies):
        if name not in PRODUCT_FORMATS:
            print(report_line(name, tallies[name]))
            other.add(tallies[name])
    if other.total:
        print(report_line("other total", other))
    for path in product.lost + other.lost:
        print(f"lost: {path}")
    if arguments.printed_digits:
        print(
            "EAN/UPC photos the barcode path missed whose printed digits OCR reads:"
            f" {product.missed_but_printed}"
        )
    rescues = (product.rescued_by + other.rescued_by).most_common()
    print("rescued by: " + ", ".join(f"{name} {count}" for name, count in rescues))
    print(
        f"headline: pipeline decode rate {product.pipeline_hits / product.total:.2f}"
        f" vs plain {product.plain_hits / product.total:.2f}"
        f" on {product.total} EAN/UPC/QR photos (lost {len(product.lost)})"
    )
    every = Tally()
    every.add(product)
    every.add(other)
    print(
        json.dumps(
            {
                "part": arguments.part,
                "n": every.total,
                "plain_hits": every.plain_hits,
                "pipeline_hits": every.pipeline_hits,
                "plain_wrong": every.plain_wrong,
                "pipeline_wrong": every.pipeline_wrong,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
