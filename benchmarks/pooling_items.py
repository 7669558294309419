"""Pooling for promotions priced on items (buy n pay m, second item): the
matcher (``pooling/matching/items.py``) against a greedy baseline.

    .venv/bin/python benchmarks/pooling_items.py [--quick] [--seed 20261203]

Instances: one shop each, a promotion drawn from buy 2 pay 1, buy 3 pay 2,
buy 4 pay 3 and second item at 50 % (half of them limited to some products), a
catalog of 3–8 products at price points (¥9.90 to ¥89.90), carts of one or two
lines (quantity 1, sometimes 2 or 3), caps from {2, 3, 4, 6}, arrivals over
eight hours each with a 30–120 minute window.

1. small: instances of 6–9 carts of 1–3 products; the matcher and the greedy
   baseline as a fraction of the exact optimum, found by brute force over every
   partition of the carts (mean and worst; instances where nothing can gain are
   left out), and the matcher's milliseconds.
2. large: 200 and 1,000 carts (one shop, one promotion; 5,000 without
   ``--quick``) under a 0.5 s budget, the figure is the matcher's gain over the
   baseline's and the CPU seconds of each. There is no upper bound here (the
   tiered engine's LP does not apply), so this is a comparison, not a fraction
   of the optimum.

The baseline is greedy by gain: list the same candidate groups (chunk by
chunk, carrying the unmatched as the matcher does), take the one that gains
most, drop those overlapping it, repeat. Nothing was tuned on these instances.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from groupbuy.pooling.matching import items  # noqa: E402
from groupbuy.pooling.matching.items import ItemCart, make_item_group  # noqa: E402
from groupbuy.pooling.matching.types import Matching  # noqa: E402
from groupbuy.pooling.savings import Line, Rules  # noqa: E402

PRICES = [990, 1_290, 1_990, 2_990, 3_990, 5_990, 8_990]


def instance(
    rng: random.Random, carts: int, catalog: tuple[int, int] = (3, 8)
) -> tuple[Rules, list[ItemCart]]:
    products = [f"p{index}" for index in range(rng.randint(*catalog))]
    price = {product: rng.choice(PRICES) for product in products}
    kind = rng.choice(["2-1", "3-2", "4-3", "second"])
    counted = (
        frozenset(rng.sample(products, max(1, len(products) // 2)))
        if rng.random() < 0.5
        else None
    )
    if kind == "second":
        rules = Rules(kind="second_item", second_item_percent=50, product_ids=counted)
    else:
        n, m = (int(part) for part in kind.split("-"))
        rules = Rules(kind="n_for_m", buy_n=n, pay_m=m, product_ids=counted)
    made = []
    for index in range(carts):
        lines = tuple(
            Line(product, price[product], rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0])
            for product in rng.sample(
                products, min(len(products), rng.choice([1, 1, 2]))
            )
        )
        start = rng.uniform(0, 8 * 3600)
        made.append(
            ItemCart(
                key=str(index),
                lines=lines,
                max_group_size=rng.choice([2, 3, 4, 6]),
                window_start=start,
                window_end=start + rng.uniform(30, 120) * 60,
            )
        )
    return rules, made


def best_partition(rules: Rules, carts: list[ItemCart]) -> int:
    """The most gain of any partition of ``carts`` (brute force)."""
    if len(carts) < 2:
        return 0
    first, rest = carts[0], carts[1:]
    best = best_partition(rules, rest)
    for mask in range(1, 1 << len(rest)):
        members = [cart for bit, cart in enumerate(rest) if mask >> bit & 1]
        group = make_item_group(rules, [first, *members])
        if group is not None:
            others = [cart for bit, cart in enumerate(rest) if not mask >> bit & 1]
            best = max(best, group.gain_fen + best_partition(rules, others))
    return best


def greedy(rules: Rules, carts: list[ItemCart]) -> Matching:
    """The baseline: the matcher's chunks, each packed greedily by gain."""
    real_pack = items.pack
    items.pack = lambda groups, **kwargs: items._greedy(groups, [])
    try:
        return items.match_items(rules, carts, budget_s=0)
    finally:
        items.pack = real_pack


def cpu_run(solve) -> tuple[Matching, float]:
    started = time.process_time()
    matching = solve()
    return matching, time.process_time() - started


def small(rng: random.Random, count: int) -> dict:
    engine, baseline, millis = [], [], []
    while len(engine) < count:
        # few products, so that many groups compete for the same carts
        rules, carts = instance(rng, rng.randint(6, 9), catalog=(1, 3))
        optimum = best_partition(rules, carts)
        if optimum == 0:
            continue  # nothing can gain: every answer is right
        matching, seconds = cpu_run(
            lambda rules=rules, carts=carts: items.match_items(rules, carts)
        )
        engine.append(matching.gain_fen / optimum)
        baseline.append(greedy(rules, carts).gain_fen / optimum)
        millis.append(seconds * 1000)
    return {
        "instances": count,
        "engine_mean": round(statistics.fmean(engine), 4),
        "engine_worst": round(min(engine), 4),
        "engine_ms_mean": round(statistics.fmean(millis), 2),
        "engine_ms_max": round(max(millis), 2),
        "greedy_mean": round(statistics.fmean(baseline), 4),
        "greedy_worst": round(min(baseline), 4),
    }


def large(rng: random.Random, size: int) -> dict:
    rules, carts = instance(rng, size)
    matching, seconds = cpu_run(lambda: items.match_items(rules, carts, budget_s=0.5))
    baseline, baseline_seconds = cpu_run(lambda: greedy(rules, carts))
    return {
        "carts": size,
        "promotion": rules.kind
        + (f" {rules.buy_n}-{rules.pay_m}" if rules.kind == "n_for_m" else ""),
        "engine_gain_fen": matching.gain_fen,
        "greedy_gain_fen": baseline.gain_fen,
        "engine_over_greedy": round(matching.gain_fen / max(1, baseline.gain_fen), 4),
        "engine_cpu_s": round(seconds, 2),
        "greedy_cpu_s": round(baseline_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller runs")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    result = {
        "seed": args.seed,
        "load_average": os.getloadavg()[0],
        "small": small(rng, 15 if args.quick else 60),
        "large": [
            large(rng, size)
            for size in ((200, 1_000) if args.quick else (200, 1_000, 1_000, 5_000))
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
