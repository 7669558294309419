"""A window-respecting upper bound for shop parts too large to list their groups.

The class configuration LP (``groupbuy.pooling.matching.classes``, amounts
rounded up) ignores time windows: two carts whose windows never meet count as a
pair. Here the part's time span is cut into buckets of ``bucket_s``, and a
class also keeps the first and last bucket its carts' windows meet: carts are
classed by (amount rounded up, cap, solo saving, first bucket, last bucket).
A column (multiset of classes) is priced only at a bucket every one of its
classes meets, by the class DP over the classes alive there; the LP keeps one
supply row per class.

Why it bounds every matching: a feasible group's members share a moment; every
member's window meets the bucket holding it, so the members' classes are all
alive there and the group maps to a column priced at that bucket, with at
least its gain (``pooling_bounds.class_lp_bound`` gives the argument for the
amounts). Summing a matching's groups per column gives a feasible LP point of
the same gain. The same map sends the configuration LP over minimal groups
(fractional) into this LP, so the bound is never below that one either; and
its columns are a subset of the windowless class LP's over coarser classes, so
once converged it is never above that.

Pricing takes a class at most as often as it has carts (``_WindowedPricer``):
split by window buckets, most classes hold one or two carts, and the class
DP's unbounded multiplicities would pair a lone cart with itself at half
weight. What is still loose: amounts are rounded up to whole yuan (a ¥x.90
cart counts as x + 1), and members need only meet one 15-minute bucket, not
one moment. On parts where both are computed it lies 0–1.2 % above the
configuration LP (``docs/benchmarks.md``).
"""

from __future__ import annotations

import numpy as np

from groupbuy.pooling.matching import classes as amount_classes
from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.types import Cart, Tiers, solo_saving, tier_reached

BUCKET_S = 900.0  # 15 minutes: the generator's windows meet 3–17 buckets


def windowed_class_lp_bound(
    tiers: Tiers, carts: list[Cart], *, seconds: float = 120.0, bucket_s=BUCKET_S
) -> amount_classes.Solution:
    """The class configuration LP with windows (see above): ``value`` is an
    upper bound whether or not column generation converged in ``seconds``."""
    built, first, last = _classes(tiers, carts, bucket_s)
    pricer = _WindowedPricer(tiers, built, first, last)
    return amount_classes.solve(
        tiers, built, deadline=clock.now() + seconds, pricer=pricer
    )


def _classes(tiers: Tiers, carts: list[Cart], bucket_s: float):
    top = tiers[-1][0]
    pooled = [c for c in carts if c.amount_fen < top and c.max_group_size >= 2]
    if not pooled:
        return amount_classes.classes_of(tiers, [], round_up=True), [], []
    origin = min(cart.window_start for cart in pooled)
    buckets: dict[tuple, list[Cart]] = {}
    for cart in pooled:
        key = (
            -(-cart.amount_fen // amount_classes.UNIT_FEN),
            cart.max_group_size,
            solo_saving(tiers, cart),
            int((cart.window_start - origin) // bucket_s),
            int((cart.window_end - origin) // bucket_s),
        )
        buckets.setdefault(key, []).append(cart)
    keys = sorted(buckets)
    built = amount_classes.Classes(
        units=np.array([key[0] for key in keys], dtype=np.int64),
        caps=np.array([key[1] for key in keys], dtype=np.int64),
        solos=np.array([key[2] for key in keys], dtype=float),
        supply=np.array([len(buckets[key]) for key in keys], dtype=float),
        members=[buckets[key] for key in keys],
    )
    first = np.array([key[3] for key in keys])
    last = np.array([key[4] for key in keys])
    return built, first, last


class _WindowedPricer:
    """Prices columns bucket by bucket, each over the classes alive there, and
    never takes a class more often than it has carts (a 0/1 knapsack with a
    member count over copies of the classes; the unbounded DP of
    ``classes._Pricer`` would pair a lone cart with itself at half weight)."""

    def __init__(self, tiers, built, first, last):
        self.tiers = tiers
        self.built = built
        self.targets = [
            -(-threshold // amount_classes.UNIT_FEN) for threshold, _ in tiers
        ]
        self.top = self.targets[-1]
        self.units = np.minimum(built.units, self.top)
        self.span = np.arange(self.top + 1)
        self.best_reduced = 0.0
        self.alive = []
        for bucket in range(int(last.max()) + 1 if len(last) else 0):
            alive = np.flatnonzero((first <= bucket) & (bucket <= last))
            if len(alive) >= 2:
                self.alive.append(alive)

    def price(self, duals: np.ndarray) -> list[amount_classes.Column]:
        cost = self.built.solos + duals
        found: dict[tuple[int, ...], amount_classes.Column] = {}
        self.best_reduced = 0.0
        for alive in self.alive:
            caps = self.built.caps[alive]
            for level in sorted({int(cap) for cap in caps if cap >= 2}):
                classes = alive[caps >= level]
                for reduced, picked in self._best_columns(classes, cost, level):
                    self.best_reduced = max(self.best_reduced, reduced)
                    if reduced > amount_classes.EPS * 100:
                        key = tuple(sorted(picked))
                        found[key] = self._column(key)
        return list(found.values())

    def _best_columns(self, classes, cost, level):
        """(reduced cost, classes) of the best column of 2..``level`` members
        for each tier, over ``classes`` taken at most as often as their carts."""
        classes = self._undominated(classes, cost, level)
        copies = np.repeat(
            classes, np.minimum(self.built.supply[classes], level).astype(int)
        )
        units, costs = self.units[copies].tolist(), cost[copies].tolist()
        # table[j, a]: the least cost of j copies whose units reach at least a
        table = np.full((level + 1, self.top + 1), np.inf)
        table[0, 0] = 0.0
        taken = np.zeros((len(copies), level + 1, self.top + 1), dtype=bool)
        for item, (unit, item_cost) in enumerate(zip(units, costs, strict=True)):
            rest = np.maximum(0, self.span - unit)
            for members in range(level, 0, -1):  # downwards: each copy once
                candidate = item_cost + table[members - 1, rest]
                better = candidate < table[members]
                taken[item, members] = better
                table[members] = np.where(better, candidate, table[members])
        results = []
        for (_threshold, off), target in zip(self.tiers, self.targets, strict=True):
            members = 2 + int(np.argmin(table[2:, target]))
            reduced = off - table[members, target]
            if not np.isfinite(reduced):
                continue
            picked, amount = [], target
            for item in range(len(copies) - 1, -1, -1):
                if members and taken[item, members, amount]:
                    picked.append(int(copies[item]))
                    amount = max(0, amount - units[item])
                    members -= 1
            results.append((float(reduced), picked))
        return results

    def _undominated(self, classes, cost, level):
        """Drop a class when classes at least as large and as cheap hold
        ``level`` carts: a column of at most ``level`` members that takes it
        has one of theirs free to take instead, for no more cost."""
        units, costs = self.units[classes], cost[classes]
        order = np.lexsort((costs, -units))
        classes, costs = classes[order], costs[order]
        weight = np.minimum(self.built.supply[classes], level)
        earlier = np.tri(len(classes), k=-1, dtype=bool)
        beaten = ((costs[None, :] <= costs[:, None]) & earlier) @ weight
        return classes[beaten < level]

    def _column(self, picked: tuple[int, ...]) -> amount_classes.Column:
        amount = int(self.built.units[list(picked)].sum()) * amount_classes.UNIT_FEN
        off = tier_reached(self.tiers, amount)[1]
        return amount_classes.Column(
            picked, off - float(self.built.solos[list(picked)].sum())
        )
