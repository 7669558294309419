"""Configuration LP over a part's minimal groups (OR-Tools GLOP), rounded.

The set-packing LP (one variable in [0, 1] per minimal group, at most one group
per cart) is nearly integral on these instances: its optimum is within ~2 % of
the exact packing. Rounding takes groups by LP value, largest first, while they
stay disjoint; carts left over are closed by the construction afterwards.

The model is filled through ``model_builder_helper`` index by index: the
expression APIs cost ~10× more Python time than GLOP's solve on these sizes.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver.python import model_builder_helper

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.exact import pack
from groupbuy.pooling.matching.types import Group

HALF = 0.5 + 1e-6  # two groups at exactly 1/2 may share a cart
COLUMNS_PER_CART = 3  # columns kept for the exact packing after the LP
PACK_LIMIT_S = 0.03
ROUNDS = 3  # LP solves per chunk: fix what is at least half taken, solve again


def lp_values(groups: list[Group], *, time_limit_s: float) -> list[float] | None:
    """The LP value of each group, or None when GLOP found no optimum in time."""
    solved = lp_solve(groups, time_limit_s=time_limit_s)
    return None if solved is None else solved[0]


def lp_solve(
    groups: list[Group], *, time_limit_s: float
) -> tuple[list[float], list[float]] | None:
    """The LP value and reduced cost of each group, or None when GLOP found no
    optimum in time."""
    if not groups:
        return [], []
    model = model_builder_helper.ModelBuilderHelper()
    count = len(groups)
    model.add_var_array_with_bounds(
        np.zeros(count), np.ones(count), np.zeros(count, dtype=bool), ""
    )
    model.set_objective_coefficients(
        list(range(count)), [float(group.gain_fen) for group in groups]
    )
    model.set_maximize(True)
    by_key: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        for key in group.keys:
            by_key.setdefault(key, []).append(index)
    for indexes in by_key.values():
        if len(indexes) < 2:
            continue
        row = model.add_linear_constraint()
        model.set_constraint_lower_bound(row, -math.inf)
        model.set_constraint_upper_bound(row, 1.0)
        for index in indexes:
            model.set_constraint_coefficient(row, index, 1.0)
    solver = model_builder_helper.ModelSolverHelper("glop")
    solver.set_time_limit_in_seconds(max(0.001, time_limit_s))
    solver.solve(model)
    if solver.status() != model_builder_helper.SolveStatus.OPTIMAL:
        return None
    return solver.variable_values().tolist(), solver.reduced_costs().tolist()


def lp_pack(groups: list[Group], deadline: float) -> list[Group] | None:
    """Solve the LP, then pack exactly (CP-SAT, hinted by the LP rounded down)
    over the groups the LP uses plus those whose reduced cost is closest to
    zero: a small model whose best packing is near the LP's. None when GLOP
    runs out of time."""
    solved = lp_solve(groups, time_limit_s=deadline - clock.now())
    if solved is None:
        return None
    values, costs = solved
    rounded = round_down(groups, values)
    keys = {key for group in groups for key in group.keys}
    chosen = sorted(
        range(len(groups)),
        key=lambda index: (values[index] <= 1e-6, abs(costs[index])),
    )[: COLUMNS_PER_CART * len(keys)]
    left = deadline - clock.now()
    if left <= 0.002:
        return rounded
    packed = pack(
        [groups[index] for index in chosen],
        time_limit_s=min(left, PACK_LIMIT_S),
        hint=rounded,
        least_overspend=False,
    )
    if sum(g.gain_fen for g in packed) > sum(g.gain_fen for g in rounded):
        return packed
    return rounded


def lp_round(groups: list[Group], deadline: float) -> list[Group] | None:
    """Groups the LP takes at more than 1/2 are kept (they are disjoint), the
    groups that meet them dropped, and the LP solved again over the rest, up to
    ``ROUNDS`` times; the last solution is rounded down. None when GLOP runs
    out of time on the first solve."""
    picked: list[Group] = []
    for round_number in range(ROUNDS):
        values = lp_values(groups, time_limit_s=deadline - clock.now())
        if values is None:
            return None if round_number == 0 else picked
        if round_number == ROUNDS - 1:
            return picked + round_down(groups, values)
        kept = [
            group for group, value in zip(groups, values, strict=True) if value > HALF
        ]
        if not kept:
            return picked + round_down(groups, values)
        picked += kept
        used = {key for group in kept for key in group.keys}
        groups = [group for group in groups if used.isdisjoint(group.keys)]
        if not groups or all(value > HALF or value < 1e-6 for value in values):
            return picked  # the LP was integral: nothing else is worth taking
    return picked


def round_down(groups: list[Group], values: list[float]) -> list[Group]:
    """Disjoint groups taken by LP value, then gain, then least overspend."""
    order = sorted(
        (index for index, value in enumerate(values) if value > 1e-6),
        key=lambda index: (
            -values[index],
            -groups[index].gain_fen,
            groups[index].overspend_fen,
        ),
    )
    used: set[str] = set()
    picked = []
    for index in order:
        group = groups[index]
        if used.isdisjoint(group.keys):
            picked.append(group)
            used.update(group.keys)
    return picked
