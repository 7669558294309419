"""The configuration LP over amount classes (Gilmore–Gomory column generation).

Carts are bucketed into *classes*: same amount on a grid of ``unit`` fen, same
group cap, same solo saving. A column is a multiset of 2..6 classes whose
amounts reach a tier; the LP packs columns under each class's supply:

    max Σ gain_q x_q   s.t.   Σ_q mult(c, q) x_q ≤ supply_c,   x ≥ 0.

Its size depends on the classes, not the carts. Columns are priced by dynamic
programming over the duals y: for a cap level s (only classes allowing s or
more members) and k ≤ s members, ``f_k[a]`` is the least Σ (solo_c + y_c) of k
classes whose amounts sum to at least ``a`` units:

    f_1[a] = min_{c: v_c ≥ a} cost_c,
    f_k[a] = min_c cost_c + f_{k-1}[max(0, a − v_c)],

and the best column for tier (T, off) has reduced cost off − min_k f_k[T]. The
DP runs over Pareto-efficient classes only (no class with a larger amount and a
cost at most as high): swapping a class for one that dominates it keeps the
tier and lowers the cost. Multiplicities above a class's supply are allowed in
pricing (the supply row still bounds them), which only relaxes the LP.

The same LP serves two ends (see ``classes_of``): with amounts rounded *down*
every column is a feasible group for any carts of its classes (the engine
rounds its solution to groups); with amounts rounded *up* every feasible group
maps to a column with at least its gain, so the LP optimum is an upper bound
(the benchmark's bound).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.types import Cart, Tiers, solo_saving, tier_reached

UNIT_FEN = 100  # the amount grid: prices are whole yuan or ¥x.90
EPS = 1e-6


@dataclass
class Classes:
    units: np.ndarray  # amount per class, in grid units (int)
    caps: np.ndarray  # group cap per class (int)
    solos: np.ndarray  # solo saving per class, fen (float)
    supply: np.ndarray  # carts per class (float)
    members: list[list[Cart]]  # the carts of each class (engine use)


def classes_of(
    tiers: Tiers, carts: list[Cart], *, round_up: bool, split=None
) -> Classes:
    """Bucket ``carts`` that can gain from pooling (below the top tier).

    round_up=False: a class's amount is its carts' smallest, rounded down to
    the grid (columns are feasible for any of its carts). round_up=True: the
    largest, rounded up (columns over-reach: an upper bound). ``split(cart)``,
    when given, returns a tuple that classes must share as well."""
    top = tiers[-1][0]
    buckets: dict[tuple, list[Cart]] = {}
    for cart in carts:
        if cart.amount_fen >= top or cart.max_group_size < 2:
            continue  # alone it already has the top tier: pooling cannot gain
        grid = (
            -(-cart.amount_fen // UNIT_FEN) if round_up else cart.amount_fen // UNIT_FEN
        )
        key = (grid, cart.max_group_size, solo_saving(tiers, cart))
        if split is not None:
            key += split(cart)
        buckets.setdefault(key, []).append(cart)
    keys = sorted(buckets)
    return Classes(
        units=np.array([key[0] for key in keys], dtype=np.int64),
        caps=np.array([key[1] for key in keys], dtype=np.int64),
        solos=np.array([key[2] for key in keys], dtype=float),
        supply=np.array([len(buckets[key]) for key in keys], dtype=float),
        members=[buckets[key] for key in keys],
    )


@dataclass
class Column:
    classes: tuple[int, ...]  # class indexes, sorted, repeated by multiplicity
    gain: float


@dataclass
class Solution:
    value: float  # the LP optimum (or a valid upper bound when not converged)
    converged: bool
    columns: list[Column]
    x: np.ndarray


def solve(
    tiers: Tiers,
    classes: Classes,
    *,
    deadline: float | None = None,
    max_rounds: int = 500,
    pricer=None,
) -> Solution:
    """Column generation until no column prices out (or ``deadline``).

    ``pricer`` (default: every multiset of classes) has ``price(duals)``, the
    columns of positive reduced cost, and ``best_reduced``, the largest reduced
    cost of any column it may return, found by the last call."""
    count = len(classes.units)
    if count == 0:
        return Solution(0.0, True, [], np.zeros(0))
    pricer = pricer or _Pricer(tiers, classes)
    master = _Master(classes.supply)
    columns: list[Column] = []
    seen: set[tuple[int, ...]] = set()
    # Start from duals that value a class at the best saving rate over its
    # amount (less its solo saving): the first columns are already efficient.
    # Convergence is only judged on the master's own duals.
    rate = max(off / threshold for threshold, off in tiers)
    for scale in (0.6, 0.75, 0.9):
        guess = np.maximum(0.0, scale * rate * classes.units * UNIT_FEN - classes.solos)
        for column in pricer.price(guess):
            if column.classes not in seen:
                seen.add(column.classes)
                columns.append(column)
                master.add(column)
    x = np.zeros(len(columns))
    value = 0.0
    solved = master.solve(None if deadline is None else deadline - clock.now())
    if solved is None:
        return Solution(math.inf, False, [], np.zeros(0))
    value, x, duals = solved
    for _round in range(max_rounds):
        new = [c for c in pricer.price(duals) if c.classes not in seen]
        if not new:
            return Solution(value, True, columns, x)
        for column in new:
            seen.add(column.classes)
            columns.append(column)
            master.add(column)
        if deadline is not None and clock.now() > deadline:
            break
        left = None if deadline is None else deadline - clock.now()
        solved = master.solve(left)
        if solved is None:
            break
        value, x, duals = solved
    # Not converged: a valid bound from the last duals (Lagrangian): every
    # column's reduced cost is at most ``best``, and Σ x ≤ Σ supply / 2.
    best = max(0.0, pricer.best_reduced)
    bound = float(classes.supply @ duals) + best * classes.supply.sum() / 2
    x = np.concatenate((x, np.zeros(len(columns) - len(x))))
    return Solution(max(value, bound), False, columns, x)


class _Master:
    """The restricted master LP, kept between rounds: GLOP re-solves from the
    previous basis when only columns were added."""

    def __init__(self, supply: np.ndarray):
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        # Only columns are added between solves: the previous basis stays primal
        # feasible, so the primal simplex restarts from it.
        self.solver.SetSolverSpecificParametersAsString("use_dual_simplex: false")
        self.solver.SuppressOutput()
        self.rows = [self.solver.Constraint(-math.inf, float(s)) for s in supply]
        self.objective = self.solver.Objective()
        self.objective.SetMaximization()
        self.variables = []

    def add(self, column: Column) -> None:
        variable = self.solver.NumVar(0.0, math.inf, "")
        for cls in set(column.classes):
            self.rows[cls].SetCoefficient(variable, column.classes.count(cls))
        self.objective.SetCoefficient(variable, column.gain)
        self.variables.append(variable)

    def solve(self, time_limit_s: float | None):
        """(value, x, duals), or None when GLOP ran out of time."""
        if time_limit_s is not None:
            self.solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        duals = np.abs(np.array([row.dual_value() for row in self.rows]))
        values = np.array([variable.solution_value() for variable in self.variables])
        return self.objective.Value(), values, duals


class _Pricer:
    def __init__(self, tiers: Tiers, classes: Classes):
        self.tiers = tiers
        self.classes = classes
        self.targets = [-(-threshold // UNIT_FEN) for threshold, _off in tiers]
        self.top = self.targets[-1]
        self.units = np.minimum(classes.units, self.top)
        self.levels = sorted({int(c) for c in classes.caps if c >= 2})
        self.span = np.arange(self.top + 1)
        self.best_reduced = 0.0
        self.scale = max(1.0, max(off for _t, off in tiers))

    def price(self, duals: np.ndarray) -> list[Column]:
        """For each class, the best column containing it (over cap levels,
        tiers and sizes), when its reduced cost is positive: one round adds
        columns across the whole amount range, not only around the cheapest
        classes."""
        cost = self.classes.solos + duals
        best = np.zeros(len(cost))  # best reduced cost per class so far
        plans: dict[int, tuple] = {}
        self.best_reduced = 0.0
        for level in self.levels:
            allowed = np.flatnonzero(self.classes.caps >= level)
            eligible = _efficient(allowed, self.units, cost)
            if len(eligible) == 0:
                continue
            tables = self._tables(eligible, cost[eligible], level)
            forced_units = self.units[allowed]
            forced_cost = cost[allowed]
            for (_threshold, off), target in zip(self.tiers, self.targets, strict=True):
                rest = np.maximum(0, target - forced_units)
                for k in range(len(tables)):  # the forced class plus k + 1 more
                    reduced = off - forced_cost - tables[k][0][rest]
                    better = np.flatnonzero(reduced > best[allowed])
                    for position in better.tolist():
                        cls = int(allowed[position])
                        best[cls] = reduced[position]
                        plans[cls] = (eligible, tables, k, int(rest[position]))
        if len(best):
            self.best_reduced = float(best.max())
        found = {}
        for cls, (eligible, tables, k, amount) in plans.items():
            if best[cls] <= EPS * self.scale:
                continue
            picked = [cls]
            for step in range(k, -1, -1):
                position = int(tables[step][1][amount])
                picked.append(int(eligible[position]))
                amount = max(0, amount - int(self.units[eligible[position]]))
            key = tuple(sorted(picked))
            found[key] = key
        return [self._column(key) for key in found]

    def _tables(self, eligible, costs, level):
        """[(f_1, arg), …, (f_{level-1}, arg)] over ``eligible`` classes."""
        units = self.units[eligible]
        order = np.argsort(units, kind="stable")
        position = np.searchsorted(units[order], self.span)
        tables = [
            (np.append(costs[order], np.inf)[position], np.append(order, -1)[position])
        ]
        shifted = np.maximum(0, self.span[:, None] - units[None, :])
        for _k in range(2, level):
            matrix = costs[None, :] + tables[-1][0][shifted]
            arg = matrix.argmin(axis=1)
            tables.append((matrix[self.span, arg], arg))
        return tables

    def _column(self, picked: tuple[int, ...]) -> Column:
        amount = int(self.classes.units[list(picked)].sum()) * UNIT_FEN
        off = tier_reached(self.tiers, amount)[1]
        return Column(picked, off - float(self.classes.solos[list(picked)].sum()))


def _efficient(eligible: np.ndarray, units: np.ndarray, cost: np.ndarray):
    """The classes no other dominates (a larger or equal amount, less cost)."""
    if len(eligible) == 0:
        return eligible
    order = eligible[np.lexsort((cost[eligible], -units[eligible]))]
    running = np.minimum.accumulate(cost[order])
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = cost[order][1:] < running[:-1]
    return order[keep]


def round_down(classes: Classes, solution: Solution) -> list[list[Cart]]:
    """Integer columns from the LP: each column ``floor(x)`` times, then the
    most fractional ones while their classes have carts left; each column is
    filled with carts of its classes. Every list reaches the column's tier
    when the classes were built with ``round_up=False``."""
    left = classes.supply.astype(int).copy()
    taken: list[tuple[int, ...]] = []
    whole = np.floor(solution.x + 1e-9).astype(int)
    for column, times in zip(solution.columns, whole, strict=True):
        taken += [column.classes] * int(times)
        for cls in column.classes:
            left[cls] -= int(times)
    fractions = solution.x - whole
    for index in np.argsort(-fractions, kind="stable"):
        if fractions[index] <= 1e-6:
            break
        column = solution.columns[index].classes
        need = {cls: column.count(cls) for cls in column}
        if all(left[cls] >= n for cls, n in need.items()):
            taken.append(column)
            for cls, n in need.items():
                left[cls] -= n
    pools = [list(members) for members in classes.members]
    return [[pools[cls].pop() for cls in column] for column in taken]


def clique_chunks(carts: list[Cart]) -> list[list[Cart]]:
    """Split carts into chunks whose windows all share a moment (the fewest
    such moments, by the earliest-end sweep): inside a chunk every group meets
    the windows, so the class LP can ignore them."""
    chunks: list[list[Cart]] = []
    moment = -math.inf
    for cart in sorted(carts, key=lambda cart: cart.window_end):
        if not chunks or cart.window_start > moment:
            chunks.append([])
            moment = cart.window_end
        chunks[-1].append(cart)
    return chunks
