"""How far the best matching can be below the configuration LP (the integrality
gap of the bound ``pooling.py`` reports against).

    .venv/bin/python benchmarks/pooling_gap.py [--quick] [--seed 20261202]

Same generator as ``pooling.py``. For every shop part (a part no group can
span) of ``--min-carts``..``--max-carts`` carts, it computes the configuration
LP (GLOP over every minimal group, the issue's bound) and packs the same groups
with CP-SAT (two workers, ``--seconds`` per part): the best packing found and
CP-SAT's proven upper bound. Both are summed over the parts and given as a
fraction of the LP, beside the engine's saving on the same parts when it
matches the whole instance under ``--budget`` seconds of its own CPU time (as
``pooling.py``'s one-core figure). If the best packing is 0.98 of the LP, no
engine can reach more than 0.98 of the bound on those parts: the LP's own gap,
not the engine's.

``--budgets 2,20`` matches the instance once per budget (is the engine's gap
time or design?), and ``--sizes 21,51,101`` splits the parts by size (21–50,
51–100, 101–max) as well as summing them; the first budget's figures keep the
keys they had.

The baseline in the same run is the LP itself (1.0). The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ortools.sat.python import cp_model  # noqa: E402

from benchmarks.pooling import shops  # noqa: E402
from benchmarks.support.pooling_bounds import config_lp_bound  # noqa: E402
from groupbuy.pooling.matching import match_many  # noqa: E402
from groupbuy.pooling.matching.clock import cpu_time  # noqa: E402
from groupbuy.pooling.matching.exact import candidate_groups  # noqa: E402
from groupbuy.pooling.matching.local import window_parts  # noqa: E402


def best_packing(groups, seconds: float) -> tuple[float, float, bool] | None:
    """(best gain found, proven upper bound, proven optimal) by CP-SAT; None
    when it found no packing in time."""
    model = cp_model.CpModel()
    chosen = [model.new_bool_var("") for _ in groups]
    by_cart: dict[str, list] = {}
    for variable, group in zip(chosen, groups, strict=True):
        for key in group.keys:
            by_cart.setdefault(key, []).append(variable)
    for variables in by_cart.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    model.maximize(sum(v * g.gain_fen for v, g in zip(chosen, groups, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return (
        solver.objective_value,
        solver.best_objective_bound,
        status == cp_model.OPTIMAL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k carts, 1 s a part")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--carts", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--budgets", default="2", help="engine CPU seconds, comma-separated"
    )
    parser.add_argument(
        "--sizes", default="", help="lower ends of part-size bands, e.g. 21,51,101"
    )
    parser.add_argument("--min-carts", type=int, default=21)
    parser.add_argument("--max-carts", type=int, default=200)
    args = parser.parse_args()
    carts, seconds = (1_000, 1.0) if args.quick else (args.carts, args.seconds)
    budgets = [1.0] if args.quick else [float(b) for b in args.budgets.split(",")]
    lows = sorted({args.min_carts, *(int(n) for n in args.sizes.split(",") if n)})
    started = time.perf_counter()
    components = shops(random.Random(args.seed), carts)
    shares = [_shares(components, budget) for budget in budgets]
    bands = {low: Sums(engine=[0.0] * len(budgets)) for low in lows}
    unsolved = 0
    for tiers, shop in components:
        for part in window_parts(shop):
            if not args.min_carts <= len(part) <= args.max_carts:
                continue
            bound = config_lp_bound(tiers, part)
            if not bound:
                continue  # too many groups to list, or nothing to pool
            packed = best_packing(candidate_groups(tiers, part), seconds)
            if packed is None:
                unsolved += 1  # left out of both sums
                continue
            best, upper, is_optimal = packed
            # CP-SAT's bound can be trivial (the sum of all gains) when time runs
            # out early; the LP bounds the part too, so the least of both holds.
            upper = min(upper, bound)
            bands[max(low for low in lows if low <= len(part))].add(
                bound,
                best,
                upper,
                is_optimal,
                [sum(share.get(cart.key, 0.0) for cart in part) for share in shares],
            )
            print(json.dumps([len(part), round(bound), best, upper]), file=sys.stderr)
    total = Sums(engine=[0.0] * len(budgets))
    for band in bands.values():
        total.add(
            band.lp, band.found, band.proven, band.optimal, band.engine, band.parts
        )
    result = {
        "benchmark": "pooling_gap",
        "quick": args.quick,
        "seed": args.seed,
        "carts": carts,
        "part_carts": [args.min_carts, args.max_carts],
        "parts": total.parts,
        "proven_optimal": total.optimal,
        "no_packing_in_time": unsolved,
        **_fractions(total, budgets),
        "lp": 1.0,
        "engine_budget_cpu_s": budgets[0],
        "seconds": round(time.perf_counter() - started, 1),
    }
    if len(lows) > 1:
        ends = [*(low - 1 for low in lows[1:]), args.max_carts]
        result["by_part_carts"] = {
            f"{low}-{end}": {"parts": band.parts, **_fractions(band, budgets)}
            for (low, band), end in zip(bands.items(), ends, strict=True)
        }
    print(json.dumps(result))


def _shares(components, budget: float) -> dict[str, float]:
    """Each cart's share of its group's gain when the engine matches the whole
    instance under ``budget`` seconds of its own CPU time."""
    with cpu_time():
        matchings = match_many(components, budget_s=budget)
    return {
        key: group.gain_fen / len(group.keys)
        for matching in matchings
        for group in matching.groups
        for key in group.keys
    }


@dataclasses.dataclass
class Sums:
    """Sums over parts: the LP, CP-SAT's best packing and proven bound, the
    parts and how many were proven optimal, the engine's saving per budget."""

    engine: list[float]
    lp: float = 0.0
    found: float = 0.0
    proven: float = 0.0
    parts: int = 0
    optimal: int = 0

    def add(self, lp, found, proven, optimal, engine, parts=1) -> None:
        self.lp += lp
        self.found += found
        self.proven += proven
        self.optimal += optimal
        self.parts += parts
        self.engine = [
            mine + more for mine, more in zip(self.engine, engine, strict=True)
        ]


def _fractions(sums: Sums, budgets) -> dict:
    lp, found, proven, engine = sums.lp, sums.found, sums.proven, sums.engine
    if not lp:
        return {}
    first = {
        "best_packing_over_lp": round(found / lp, 4),
        "proven_bound_over_lp": round(proven / lp, 4),
        "engine_over_lp": round(engine[0] / lp, 4),
        "engine_over_best_packing": round(engine[0] / found, 4) if found else None,
    }
    if len(budgets) > 1:
        first["engine_over_best_packing_by_budget"] = {
            f"{budget:g}": round(value / found, 4) if found else None
            for budget, value in zip(budgets, engine, strict=True)
        }
    return first


if __name__ == "__main__":
    main()
