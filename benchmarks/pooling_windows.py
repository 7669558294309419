"""How much the time windows loosen the bound of parts too large to list.

    .venv/bin/python benchmarks/pooling_windows.py [--quick] [--seed 3]

Same generator as ``pooling.py``. Two measurements, each per shop part (a part
no group can span):

1. listable parts of ``--min-carts`` or more carts from a 1k instance: the
   configuration LP (the bound ``pooling.py`` uses there, the baseline), and how
   far above it lie the class LP that ignores windows and the one that respects
   them (``support/windowed_bound.py``). A bound close to the configuration LP
   here is a bound that wastes little where the LP cannot be listed.
2. without --quick, the ``--largest`` largest parts of a 10k instance (too large
   to list): the windowed class LP against the windowless one, and its time.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.pooling import shops  # noqa: E402
from benchmarks.support.pooling_bounds import (  # noqa: E402
    class_lp_bound,
    config_lp_bound,
)
from benchmarks.support.windowed_bound import windowed_class_lp_bound  # noqa: E402
from groupbuy.pooling.matching.local import window_parts  # noqa: E402


def _parts(seed: int, carts: int):
    for tiers, shop in shops(random.Random(seed), carts):
        for part in window_parts(shop):
            yield tiers, part


def listable(seed: int, min_carts: int) -> dict:
    rows = []
    for tiers, part in _parts(seed, 1_000):
        if len(part) < min_carts:
            continue
        config = config_lp_bound(tiers, part)
        if not config:
            continue
        windowless = class_lp_bound(tiers, part)
        started = time.process_time()
        windowed = windowed_class_lp_bound(tiers, part)
        rows.append(
            {
                "carts": len(part),
                "config_lp_fen": round(config),
                "windowless_over": round(windowless / config - 1, 4),
                "windowed_over": round(windowed.value / config - 1, 4),
                "windowed_converged": windowed.converged,
                "windowed_cpu_s": round(time.process_time() - started, 2),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return {
        "parts": len(rows),
        "windowless_over_max": max(row["windowless_over"] for row in rows),
        "windowed_over_max": max(row["windowed_over"] for row in rows),
        "rows": rows,
    }


def largest(seed: int, count: int, seconds: float) -> dict:
    parts = sorted(_parts(seed, 10_000), key=lambda item: -len(item[1]))[:count]
    rows = []
    for tiers, part in parts:
        windowless = class_lp_bound(tiers, part)
        started = time.process_time()
        windowed = windowed_class_lp_bound(tiers, part, seconds=seconds)
        rows.append(
            {
                "carts": len(part),
                "windowless_fen": round(windowless),
                "windowed_fen": round(windowed.value),
                "change": round(windowed.value / windowless - 1, 4),
                "converged": windowed.converged,
                "cpu_s": round(time.process_time() - started, 1),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--min-carts", type=int, default=40)
    parser.add_argument("--largest", type=int, default=2)
    parser.add_argument("--large-seed", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=300.0)
    args = parser.parse_args()
    result = {
        "benchmark": "pooling_windows",
        "quick": args.quick,
        "seed": args.seed,
        "listable": listable(args.seed, args.min_carts),
    }
    if not args.quick:
        result["largest"] = largest(args.large_seed, args.largest, args.seconds)
        result["large_seed"] = args.large_seed
    result["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
