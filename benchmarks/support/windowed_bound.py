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
from groupbuy.pooling.matching.types import Cart, Tiers

BUCKET_S = 900.0  # 15 minutes: the generator's windows meet 3–17 buckets


def windowed_class_lp_bound(
    tiers: Tiers, carts: list[Cart], *, seconds: float = 120.0, bucket_s=BUCKET_S
) -> amount_classes.Solution:
    """The class configuration LP with windows (see above): ``value`` is an
    upper bound whether or not column generation converged in ``seconds``."""
    origin = min((cart.window_start for cart in carts), default=0.0)

    def buckets(cart: Cart) -> tuple[int, int]:
        return (
            int((cart.window_start - origin) // bucket_s),
            int((cart.window_end - origin) // bucket_s),
        )

    built = amount_classes.classes_of(tiers, carts, round_up=True, split=buckets)
    return amount_classes.solve(
        tiers,
        built,
        deadline=clock.now() + seconds,
        pricer=_WindowedPricer(tiers, built, buckets),
    )


class _WindowedPricer(amount_classes._Pricer):
    """Prices columns bucket by bucket, each over the classes alive there, and
    never takes a class more often than it has carts (a 0/1 knapsack with a
    member count over copies of the classes; the unbounded DP of
    ``classes._Pricer`` would pair a lone cart with itself at half weight)."""

    def __init__(self, tiers, built, buckets):
        super().__init__(tiers, built)
        spans = np.array([buckets(members[0]) for members in built.members])
        first, last = spans.T if len(spans) else (spans, spans)
        self.alive = []
        for bucket in range(int(last.max()) + 1 if len(last) else 0):
            alive = np.flatnonzero((first <= bucket) & (bucket <= last))
            if len(alive) >= 2:
                self.alive.append(alive)

    def price(self, duals: np.ndarray) -> list[amount_classes.Column]:
        cost = self.classes.solos + duals
        found: dict[tuple[int, ...], amount_classes.Column] = {}
        self.best_reduced = 0.0
        for alive in self.alive:
            caps = self.classes.caps[alive]
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
            classes, np.minimum(self.classes.supply[classes], level).astype(int)
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
        weight = np.minimum(self.classes.supply[classes], level)
        earlier = np.tri(len(classes), k=-1, dtype=bool)
        beaten = ((costs[None, :] <= costs[:, None]) & earlier) @ weight
        return classes[beaten < level]
