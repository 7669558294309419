"""Upper bounds for the pooled-order matching benchmark (``pooling.py``).

Per shop part (parts no group can span): the configuration LP over every
minimal group where they can be listed; otherwise the least of the aggregated
LP and the configuration LP over amount classes, ignoring time windows or, on
request, respecting them (see ``bound``).
"""

from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.linear_solver.python import model_builder_helper

from benchmarks.support.windowed_bound import windowed_class_lp_bound
from groupbuy.pooling.matching import classes, clock
from groupbuy.pooling.matching.exact import TooManyGroups, candidate_groups
from groupbuy.pooling.matching.local import window_parts
from groupbuy.pooling.matching.types import solo_saving

CONFIG_LP_GROUP_LIMIT = 700_000  # past this a part gets the aggregated LP
FULL_LP_COLUMNS = 50_000  # past this the LP is solved by column generation
COLUMNS_ADDED = 20_000
GENERATION_ROUNDS = 15


def config_lp_bound(tiers, carts) -> float | None:
    """The configuration LP: the set-packing LP over every minimal group (GLOP);
    None when the part has too many groups to list.

    Past ``FULL_LP_COLUMNS`` groups, column generation: solve the LP over some
    columns, price every listed group with the duals, add the most profitable.
    Every round gives a valid upper bound (with duals y ≥ 0, Σ y plus every
    group's positive reduced cost bounds the LP, whose variables are ≤ 1); the
    least is returned, and it is the LP itself once no column prices out."""
    try:
        groups = candidate_groups(tiers, carts, limit=CONFIG_LP_GROUP_LIMIT)
    except TooManyGroups:
        return None
    if not groups:
        return 0.0
    index = {cart.key: number for number, cart in enumerate(carts)}
    sizes = np.array([len(group.keys) for group in groups])
    members = np.array([index[key] for group in groups for key in group.keys])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    gains = np.array([group.gain_fen for group in groups], dtype=float)
    if len(groups) <= FULL_LP_COLUMNS:
        return _packing_lp(len(carts), groups, index, range(len(groups)))[0]
    overspends = np.array([group.overspend_fen for group in groups])
    columns = set(
        np.argsort(overspends, kind="stable")[: FULL_LP_COLUMNS // 2].tolist()
    )
    best = math.inf
    for _round in range(GENERATION_ROUNDS):
        value, duals = _packing_lp(len(carts), groups, index, sorted(columns))
        reduced = gains - np.add.reduceat(duals[members], starts)
        best = min(best, duals.sum() + np.clip(reduced, 0, None).sum())
        pricing = np.flatnonzero(reduced > 1e-6)
        if not len(pricing):
            return value
        top = pricing[np.argsort(-reduced[pricing], kind="stable")[:COLUMNS_ADDED]]
        columns.update(top.tolist())
    return best


def _packing_lp(cart_count, groups, index, columns) -> tuple[float, np.ndarray]:
    """GLOP over ``columns`` of ``groups``, one row per cart; (value, duals)."""
    model = model_builder_helper.ModelBuilderHelper()
    count = len(columns)
    model.add_var_array_with_bounds(
        np.zeros(count), np.ones(count), np.zeros(count, dtype=bool), ""
    )
    model.set_objective_coefficients(
        list(range(count)), [float(groups[column].gain_fen) for column in columns]
    )
    model.set_maximize(True)
    rows = []
    for _cart in range(cart_count):
        row = model.add_linear_constraint()
        model.set_constraint_lower_bound(row, -math.inf)
        model.set_constraint_upper_bound(row, 1.0)
        rows.append(row)
    for variable, column in enumerate(columns):
        for key in groups[column].keys:
            model.set_constraint_coefficient(rows[index[key]], variable, 1.0)
    solver = model_builder_helper.ModelSolverHelper("glop")
    solver.solve(model)
    # Duals of "≤ 1" rows in a maximisation are ≥ 0 (GLOP may print -0.0).
    return solver.objective_value(), np.abs(solver.dual_values())


def bound(tiers, carts, *, windowed: bool = False) -> tuple[float, int, float]:
    """Return (upper bound, carts whose bound is the configuration LP, the
    previous bound), summed over the shop's parts that no group can span.

    A part whose minimal groups are too many to list gets the smaller of two
    valid bounds: the aggregated LP (``lp_bound``, the previous bound) and the
    configuration LP over amount classes with amounts rounded *up*
    (``class_lp_bound``). With ``windowed``, also the class LP that respects
    the time windows (``windowed_bound``); the previous bound is then the
    least of the first two."""
    total, config_carts, previous = 0.0, 0, 0.0
    for part in window_parts(carts):
        value = config_lp_bound(tiers, part)
        if value is not None:
            total += value
            previous += value
            config_carts += len(part)
            continue
        aggregated = lp_bound(tiers, part)
        windowless = min(aggregated, class_lp_bound(tiers, part))
        if windowed:
            with_windows = windowed_class_lp_bound(tiers, part, seconds=CLASS_LP_S)
            total += min(windowless, with_windows.value)
            previous += windowless
        else:
            total += windowless
            previous += aggregated
    return total, config_carts, previous


CLASS_LP_S = 120.0  # past this, the Lagrangian bound of the last duals


def class_lp_bound(tiers, carts) -> float:
    """The configuration LP over amount classes, amounts rounded up, windows
    ignored (``groupbuy.pooling.matching.classes``), solved by column
    generation with DP pricing. An upper bound on the part's best matching:

    every feasible group G (2..cap members reaching tier (T, off), gain
    off − Σ solo_i) maps to the multiset of its members' classes. A class
    keeps its carts' cap and solo saving and rounds their amounts up, so the
    multiset reaches T too and its column's gain is at least G's (its tier can
    only be higher; the solos are the same). Carts at or past the top tier are
    left out: any group with one gains ≤ off_top − solo ≤ 0. Dropping the
    window condition only adds columns. So summing a matching's groups per
    column gives a feasible LP point (each class used at most its supply) of
    the same gain: the LP optimum bounds every matching. When column
    generation does not finish in ``CLASS_LP_S`` the bound is the Lagrangian
    one of the last duals y ≥ 0: Σ supply·y + (best reduced cost)⁺ · N/2, as
    no matching has more than N/2 groups."""
    built = classes.classes_of(tiers, carts, round_up=True)
    return classes.solve(tiers, built, deadline=clock.now() + CLASS_LP_S).value


def lp_bound(tiers, carts) -> float:
    """A weaker upper bound for shops too large to list groups: the aggregated
    LP (GLOP) over fractional tier shares."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    share = {}
    groups = [solver.NumVar(0, solver.infinity(), f"y{k}") for k in range(len(tiers))]
    for index, _cart in enumerate(carts):
        for k in range(len(tiers)):
            share[index, k] = solver.NumVar(0, 1, "")
        solver.Add(sum(share[index, k] for k in range(len(tiers))) <= 1)
    for k, (threshold, _off) in enumerate(tiers):
        members = [share[i, k] for i in range(len(carts))]
        solver.Add(
            sum(c.amount_fen * share[i, k] for i, c in enumerate(carts))
            >= threshold * groups[k]
        )
        # A group of s members, each allowing at least s, uses 1/cap_i ≤ 1/s each.
        solver.Add(
            sum(share[i, k] * (1 / c.max_group_size) for i, c in enumerate(carts))
            <= groups[k]
        )
        solver.Add(2 * groups[k] <= sum(members))
    solver.Maximize(
        sum(off * groups[k] for k, (_t, off) in enumerate(tiers))
        - sum(
            solo_saving(tiers, c) * share[i, k]
            for i, c in enumerate(carts)
            for k in range(len(tiers))
        )
    )
    solver.Solve()
    return max(0.0, solver.Objective().Value())
