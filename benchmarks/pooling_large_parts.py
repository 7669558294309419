"""The engine on the largest parts of an instance: is its gap time or packing?

    .venv/bin/python benchmarks/pooling_large_parts.py [--quick] [--seed 7]

Same generator as ``pooling.py``. For every part (a part no group can span) of
more than ``--min-carts`` carts it prints

- the engine's saving on that part alone under each of ``--budgets`` seconds
  of its own CPU time, as a fraction of the part's bound (the same bound
  ``pooling.py`` reports against), and the shares of the part's amount its
  matching leaves unmatched and spends above the tiers reached;
- for windows of ``--window`` consecutive carts (in window order) starting at
  ``--starts``: CP-SAT's best packing in ``--seconds`` (two workers) and its
  proven bound, and one chunk's configuration LP (over the groups the engine's
  chunks keep) rounded (``lp_round``) and packed for 50 ms (``lp_pack``, the
  engine's step 4), each as a fraction of the window's LP;
- with ``--chunk-caps 20,40,64``: the part cut into chunks of that many
  consecutive carts (in window order) and the sum of the chunks' configuration
  LPs (over the groups the engine's chunks keep) as a fraction of the part's
  bound, with the groups listed and the CPU seconds per cart that listing and
  solving took. No matching that keeps every group inside one such chunk can
  do better, so it shows what the chunk size the budget affords costs.

The baseline in the same run is the LP (1.0) and CP-SAT's best packing beside
it. Tune nothing on the held-out seed (20261202): the default is tuning seed 7.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.pooling import shops  # noqa: E402
from benchmarks.pooling_gap import best_packing  # noqa: E402
from benchmarks.support import pooling_bounds  # noqa: E402
from groupbuy.pooling.matching import clock, match_many  # noqa: E402
from groupbuy.pooling.matching.engine import CHUNK_OVERSPEND  # noqa: E402
from groupbuy.pooling.matching.exact import candidate_groups  # noqa: E402
from groupbuy.pooling.matching.listing import list_arrays  # noqa: E402
from groupbuy.pooling.matching.local import window_parts  # noqa: E402
from groupbuy.pooling.matching.lp import lp_pack, lp_round, lp_values  # noqa: E402


def gain(groups) -> int:
    return sum(group.gain_fen for group in groups)


def part_budgets(tiers, part, budgets) -> dict:
    bound = pooling_bounds.bound(tiers, part)[0]
    fractions, anatomy = {}, {}
    for budget in budgets:
        with clock.cpu_time():
            matched = match_many([(tiers, part)], budget_s=budget)[0]
        fractions[str(budget)] = round(matched.gain_fen / bound, 4)
        anatomy[str(budget)] = where_the_money_went(part, matched.groups)
    return {
        "carts": len(part),
        "bound_fen": round(bound),
        "frac_by_budget": fractions,
        "anatomy_by_budget": anatomy,
    }


def where_the_money_went(part, groups) -> dict:
    """Shares of the part's amount left unmatched and spent above the tiers the
    groups reached: what is left of the gap to the bound is the choice of tiers
    and partners."""
    total = sum(cart.amount_fen for cart in part)
    matched = {key for group in groups for key in group.keys}
    unmatched = sum(cart.amount_fen for cart in part if cart.key not in matched)
    overspend = sum(group.overspend_fen for group in groups)
    return {
        "unmatched": round(unmatched / total, 4),
        "overspend": round(overspend / total, 4),
    }


def window(tiers, carts, seconds: float) -> dict | None:
    lp = pooling_bounds.config_lp_bound(tiers, carts)
    if not lp:
        return None
    groups = candidate_groups(tiers, carts, limit=5_000_000)
    best = best_packing(groups, seconds)  # None: CP-SAT found no packing in time
    listing = list_arrays(
        tiers,
        carts,
        limit=10**8,
        deadline=clock.now() + 600,
        max_overspend=CHUNK_OVERSPEND,  # as the engine's chunks
    )
    rounded = lp_round(listing, clock.now() + 60) or []
    packed = lp_pack(listing, clock.now() + 60, columns_per_cart=3, limit_s=0.05) or []
    return {
        "groups": len(groups),
        "best_of_lp": round(best[0] / lp, 4) if best else None,
        "proven_of_lp": round(best[1] / lp, 4) if best else None,
        "rounded_of_lp": round(gain(rounded) / lp, 4),
        "packed_of_lp": round(gain(packed) / lp, 4),
    }


def chunk_caps(tiers, part, bound: float, sizes: list[int]) -> dict:
    caps = {}
    for size in sizes:
        started = time.process_time()
        total, listed = 0.0, 0
        for start in range(0, len(part), size):
            listing = list_arrays(
                tiers,
                part[start : start + size],
                limit=10**8,
                max_overspend=CHUNK_OVERSPEND,
            )
            listed += len(listing)
            values = lp_values(listing, time_limit_s=600)
            if values is None:
                raise SystemExit("GLOP found no optimum in 600 s")
            gains = listing.gain.tolist()
            total += sum(v * g for v, g in zip(values, gains, strict=True))
        caps[str(size)] = {
            "lp_of_bound": round(total / bound, 4),
            "groups": listed,
            "cpu_ms_per_cart": round(
                (time.process_time() - started) * 1000 / len(part), 2
            ),
        }
    return caps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one part, one window")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--carts", type=int, default=10_000)
    parser.add_argument("--min-carts", type=int, default=1_000)
    parser.add_argument("--budgets", default="0.9,3,10")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--starts", default="200,700,1000")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--chunk-caps", default="", help="chunk sizes, e.g. 20,40,64 (slow past 64)"
    )
    args = parser.parse_args()
    budgets = [float(value) for value in args.budgets.split(",")]
    chunk_sizes = [int(value) for value in args.chunk_caps.split(",") if value]
    starts = [int(value) for value in args.starts.split(",")]
    if args.quick:
        budgets, starts, args.seconds = [0.3], starts[-1:], 4.0
    started = time.perf_counter()
    parts = sorted(
        (
            (tiers, sorted(part, key=lambda cart: cart.window_start))
            for tiers, carts in shops(random.Random(args.seed), args.carts)
            for part in window_parts(carts)
            if len(part) > args.min_carts
        ),
        key=lambda item: len(item[1]),
    )
    if args.quick:
        parts = parts[:1]
    results = []
    for tiers, part in parts:
        result = part_budgets(tiers, part, budgets)
        if chunk_sizes:
            result["chunk_caps"] = chunk_caps(
                tiers, part, result["bound_fen"], chunk_sizes
            )
        result["windows"] = []
        for start in starts:
            measured = window(tiers, part[start : start + args.window], args.seconds)
            if measured:
                result["windows"].append({"start": start, **measured})
        print(json.dumps(result), flush=True)
        results.append(result)
    windows = [measured for result in results for measured in result["windows"]]

    def mean(key):
        values = [m[key] for m in windows if m[key] is not None]
        return round(statistics.mean(values), 4) if values else None

    print(
        json.dumps(
            {
                "seed": args.seed,
                "carts": args.carts,
                "parts": [
                    {
                        "carts": r["carts"],
                        "frac_by_budget": r["frac_by_budget"],
                        "anatomy_by_budget": r["anatomy_by_budget"],
                        **({"chunk_caps": r["chunk_caps"]} if chunk_sizes else {}),
                    }
                    for r in results
                ],
                "window_carts": args.window,
                "windows": len(windows),
                "window_best_of_lp": mean("best_of_lp"),
                "window_rounded_of_lp": mean("rounded_of_lp"),
                "window_packed_of_lp": mean("packed_of_lp"),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
