"""Measure the deblurring attempt for 1-D codes (issue 15, item 3).

Usage, from the repository root:

    .venv/bin/python benchmarks/snap_deblur.py [../shared/datasets/barcodes] [--quick]

Three readers look at each picture: the plain zxing-cpp call, the barcode
stage without the deblurring attempt ("old pipeline") and the barcode stage
with it. The figure is the share of pictures that both the plain call and the
old pipeline miss and the new one reads, beside the wrong reads of each.

1. Synthetic: EAN-13, UPC-A and EAN-8 codes rendered by zxing-cpp, half of
   them tilted up to 20°, blurred (Gaussian, several widths), shrunk to
   240 px wide, with noise, JPEG quality 75 (``imaging.blurred_render``).
   The seeds reported here (from ``REPORT_SEED``) are apart from those the
   strengths were chosen on and the tests use (below 1000).
2. With a path: the shared set's **held-out** folders (the fixed split of
   ``snap_barcodes.py``), EAN/UPC photos, as they are. Nothing was tuned on
   them.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import zxingcpp  # noqa: E402

from benchmarks.snap_barcodes import (  # noqa: E402
    RETAIL_FORMATS,
    judge,
    load_samples,
    read_plain,
)
from groupbuy.snap.recognition.barcode import BarcodeReader  # noqa: E402
from groupbuy.snap.recognition.image import load_snap_image  # noqa: E402
from groupbuy.snap.tests import imaging  # noqa: E402

REPORT_SEED = 100_000
BLURS = (0.8, 1.0, 1.1, 1.2, 1.4)  # Gaussian sigma in pixels of the 240-px picture
PER_BLUR = 60
QUICK_PER_BLUR = 12
FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.EAN8,
)


@dataclass
class Tally:
    n: int = 0
    plain: int = 0
    old: int = 0
    new: int = 0
    rescued: int = 0  # missed by plain and old, read by new
    plain_wrong: int = 0
    old_wrong: int = 0
    new_wrong: int = 0
    either: int = 0  # read by the plain call or the old pipeline
    new_ms: list[float] = field(default_factory=list)
    old_ms: list[float] = field(default_factory=list)

    def add(self, plain: str, old: str, new: str, new_ms: float) -> None:
        self.n += 1
        self.plain += plain == "hit"
        self.old += old == "hit"
        self.new += new == "hit"
        self.rescued += plain != "hit" and old != "hit" and new == "hit"
        self.plain_wrong += plain == "wrong"
        self.old_wrong += old == "wrong"
        self.new_wrong += new == "wrong"
        self.new_ms.append(new_ms)

    def missed_by_both(self) -> int:
        # pictures neither the plain call nor the old pipeline read
        return self.n - self.either

    def line(self, label: str) -> str:
        return (
            f"{label:<22} n={self.n:<4} plain {self.plain:<3} old {self.old:<3}"
            f" new {self.new:<3} | both missed {self.missed_by_both():<3}"
            f" deblur read {self.rescued:<3}"
            f" | wrong plain {self.plain_wrong} old {self.old_wrong}"
            f" new {self.new_wrong} | p50 / p95 ms old {_ms(self.old_ms)}"
            f" new {_ms(self.new_ms)}"
        )


def p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {p95(values):.0f}"


class Readers:
    def __init__(self) -> None:
        self.old = BarcodeReader(deblur=False)
        self.new = BarcodeReader()

    def judge_all(self, data: bytes, matches, tally: Tally) -> None:
        plain = matches(read_plain(data))
        snap = load_snap_image(data)
        started = time.perf_counter()
        old = matches([r.text for r in self.old.read(snap)])
        tally.old_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        new_readings = self.new.read(snap)
        new_ms = (time.perf_counter() - started) * 1000
        tally.either += plain == "hit" or old == "hit"
        tally.add(plain, old, matches([r.text for r in new_readings]), new_ms)


def verdict(texts: list[str], expected: str) -> str:
    wanted = expected.zfill(14)
    if any(text.zfill(14) == wanted for text in texts if text.isdigit()):
        return "hit"
    return "wrong" if texts else "miss"


def synthetic(readers: Readers, per_blur: int) -> dict[float, Tally]:
    tallies = {}
    for blur_index, blur in enumerate(BLURS):
        tally = Tally()
        for index in range(per_blur):
            seed = REPORT_SEED + blur_index * 10_000 + index
            generator = np.random.default_rng(seed)
            barcode_format = FORMATS[index % len(FORMATS)]
            text = imaging.random_retail_code(generator, barcode_format)
            angle = float(generator.uniform(-20, 20)) if index % 2 else 0.0
            data = imaging.blurred_render(
                text, barcode_format, blur=blur, seed=seed, angle=angle
            )
            readers.judge_all(data, lambda texts, t=text: verdict(texts, t), tally)
        tallies[blur] = tally
    return tallies


def shared_held_out(readers: Readers, directory: Path, quick: bool) -> Tally:
    samples = [
        sample
        for sample in load_samples(directory, "held-out")
        if sample.format in RETAIL_FORMATS
    ]
    if quick:
        samples = samples[::4]
    tally = Tally()
    for sample in samples:
        readers.judge_all(
            sample.path.read_bytes(), lambda texts, s=sample: judge(texts, s), tally
        )
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "directory", type=Path, nargs="?", help="shared barcode set (MANIFEST.tsv)"
    )
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args(argv)
    readers = Readers()

    print("snap deblur: plain call / old pipeline (no deblur) / new pipeline")
    per_blur = QUICK_PER_BLUR if arguments.quick else PER_BLUR
    tallies = synthetic(readers, per_blur)
    total = Tally()
    for blur, tally in tallies.items():
        print(tally.line(f"synthetic blur {blur}px"))
        for name in (
            "n",
            "plain",
            "old",
            "new",
            "rescued",
            "plain_wrong",
            "old_wrong",
            "new_wrong",
            "either",
        ):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        total.new_ms += tally.new_ms
        total.old_ms += tally.old_ms
    print(total.line("synthetic, all blurs"))
    result = {
        "synthetic_n": total.n,
        "synthetic_both_missed": total.missed_by_both(),
        "synthetic_deblur_read": total.rescued,
        "synthetic_share": round(total.rescued / max(1, total.missed_by_both()), 3),
        "synthetic_wrong": [total.plain_wrong, total.old_wrong, total.new_wrong],
        "synthetic_p95_ms_old_new": [
            round(p95(total.old_ms)),
            round(p95(total.new_ms)),
        ],
    }
    if arguments.directory:
        held_out = shared_held_out(readers, arguments.directory, arguments.quick)
        print(held_out.line("shared held-out EAN/UPC"))
        result.update(
            {
                "held_out_n": held_out.n,
                "held_out_both_missed": held_out.missed_by_both(),
                "held_out_deblur_read": held_out.rescued,
                "held_out_p95_ms_old_new": [
                    round(p95(held_out.old_ms)),
                    round(p95(held_out.new_ms)),
                ],
                "held_out_wrong": [
                    held_out.plain_wrong,
                    held_out.old_wrong,
                    held_out.new_wrong,
                ],
            }
        )
    print("wrong reads are listed as [plain, old pipeline, new pipeline]")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
