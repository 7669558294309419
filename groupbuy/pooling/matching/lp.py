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

from groupbuy.pooling.matching.types import Group


def lp_values(groups: list[Group], *, time_limit_s: float) -> list[float] | None:
    """The LP value of each group, or None when GLOP found no optimum in time."""
    if not groups:
        return []
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
    return solver.variable_values().tolist()


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
