"""Configuration LP over a part's minimal groups (OR-Tools GLOP), rounded.

The set-packing LP (one variable in [0, 1] per minimal group, at most one group
per cart) is nearly integral on these instances: its optimum is within ~2 % of
the exact packing. Rounding takes groups by LP value, largest first, while they
stay disjoint; carts left over are closed by the construction afterwards.

Everything here works on a ``listing.Listing`` (groups as arrays): the rows of
the LP come from one sort of the member matrix, rounding and the rounds' fixing
are array operations, and ``Group`` objects are made only for the groups kept
(profiling 10k carts found per-group Python objects and loops were more of the
LP phase's time than GLOP's solves). The model is filled through
``model_builder_helper`` index by index: the expression APIs cost ~10× more.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver.python import model_builder_helper

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.exact import pack
from groupbuy.pooling.matching.listing import WIDEST, Listing
from groupbuy.pooling.matching.types import Group

HALF = 0.5 + 1e-6  # two groups at exactly 1/2 may share a cart
# The exact packing after the LP: columns kept per cart and CP-SAT's time limit.
# With ample time (1k carts in 1 s) more columns and a longer limit gain ~0.2 %;
# when time is tight (10k in 2 s) fewer columns and a shorter limit let more
# chunks be packed: +0.7 % (tuning seeds 7–10; at 100k in 10 s within noise).
PACK_AMPLE = (3, 0.03)
PACK_LEAN = (2, 0.015)
ROUNDS = 3  # LP solves per chunk: fix what is at least half taken, solve again


def as_listing(groups: list[Group] | Listing) -> Listing:
    """A Listing of ``groups`` (a Listing is returned as it is)."""
    if isinstance(groups, Listing):
        return groups
    keys = list(dict.fromkeys(key for group in groups for key in group.keys))
    index = {key: position for position, key in enumerate(keys)}
    width = max([WIDEST, *(len(group.keys) for group in groups)])
    members = np.full((len(groups), width), -1, dtype=np.int64)
    for row, group in enumerate(groups):
        members[row, : len(group.keys)] = [index[key] for key in group.keys]

    def column(name):
        return np.array([getattr(g, name) for g in groups], dtype=np.int64)

    return Listing(
        keys,
        members,
        column("amount_fen"),
        column("threshold_fen"),
        column("saving_fen"),
        column("gain_fen"),
    )


def lp_values(groups, *, time_limit_s: float) -> list[float] | None:
    """The LP value of each group, or None when GLOP found no optimum in time."""
    listing = as_listing(groups)
    solved = _solve(listing, np.arange(len(listing)), time_limit_s)
    return None if solved is None else solved[0].tolist()


def _solve(listing: Listing, rows: np.ndarray, time_limit_s: float):
    """(values, reduced costs) of the LP over ``rows`` of ``listing``, or None
    when GLOP found no optimum in time."""
    count = len(rows)
    if count == 0:
        return np.zeros(0), np.zeros(0)
    model = model_builder_helper.ModelBuilderHelper()
    model.add_var_array_with_bounds(
        np.zeros(count), np.ones(count), np.zeros(count, dtype=bool), ""
    )
    model.set_objective_coefficients(
        list(range(count)), listing.gain[rows].astype(float).tolist()
    )
    model.set_maximize(True)
    # One row per cart in two or more groups: sort the (group, cart) pairs by
    # cart and cut where the cart changes.
    members = listing.members[rows]
    group_of, column = np.nonzero(members >= 0)
    carts = members[group_of, column]
    order = np.argsort(carts, kind="stable")
    carts, group_of = carts[order], group_of[order]
    cuts = np.flatnonzero(np.diff(carts)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(carts)]))
    wide = ends - starts >= 2
    group_list = group_of.tolist()
    add_row = model.add_linear_constraint
    lower = model.set_constraint_lower_bound
    upper = model.set_constraint_upper_bound
    coefficient = model.set_constraint_coefficient
    for start, end in zip(starts[wide].tolist(), ends[wide].tolist(), strict=True):
        row = add_row()
        lower(row, -math.inf)
        upper(row, 1.0)
        for index in group_list[start:end]:
            coefficient(row, index, 1.0)
    solver = model_builder_helper.ModelSolverHelper("glop")
    solver.set_time_limit_in_seconds(max(0.001, time_limit_s))
    solver.solve(model)
    if solver.status() != model_builder_helper.SolveStatus.OPTIMAL:
        return None
    return np.asarray(solver.variable_values()), np.asarray(solver.reduced_costs())


def lp_pack(
    groups, deadline: float, *, columns_per_cart=PACK_AMPLE[0], limit_s=PACK_AMPLE[1]
) -> list[Group] | None:
    """Solve the LP, then pack exactly (CP-SAT, hinted by the LP rounded down,
    for at most ``limit_s``) over the groups the LP uses plus those whose
    reduced cost is closest to zero, ``columns_per_cart`` in all: a small model
    whose best packing is near the LP's. None when GLOP runs out of time."""
    listing = as_listing(groups)
    every = np.arange(len(listing))
    solved = _solve(listing, every, deadline - clock.now())
    if solved is None:
        return None
    values, costs = solved
    rounded = listing.groups(_round_down(listing, every, values))
    carts = len(np.unique(listing.members[listing.members >= 0]))
    chosen = np.lexsort((np.abs(costs), values <= 1e-6))[: columns_per_cart * carts]
    left = deadline - clock.now()
    if left <= 0.002:
        return rounded
    packed = pack(
        listing.groups(chosen.tolist()),
        time_limit_s=min(left, limit_s),
        hint=rounded,
        least_overspend=False,
    )
    if sum(g.gain_fen for g in packed) > sum(g.gain_fen for g in rounded):
        return packed
    return rounded


def lp_round(groups, deadline: float) -> list[Group] | None:
    """Groups the LP takes at more than 1/2 are kept (they are disjoint), the
    groups that meet them dropped, and the LP solved again over the rest, up to
    ``ROUNDS`` times; the last solution is rounded down. None when GLOP runs
    out of time on the first solve."""
    listing = as_listing(groups)
    rows = np.arange(len(listing))
    picked: list[int] = []
    used = np.zeros(len(listing.keys) + 1, dtype=bool)  # the last: padding
    for round_number in range(ROUNDS):
        solved = _solve(listing, rows, deadline - clock.now())
        if solved is None:
            return None if round_number == 0 else listing.groups(picked)
        values = solved[0]
        kept = values > HALF
        if round_number == ROUNDS - 1 or not kept.any():
            return listing.groups(picked + _round_down(listing, rows, values))
        picked += rows[kept].tolist()
        used[listing.members[rows[kept]]] = True
        used[-1] = False
        integral = bool(np.all(kept | (values < 1e-6)))
        rows = rows[~used[listing.members[rows]].any(axis=1)]
        if not len(rows) or integral:
            break  # the LP was integral: nothing else is worth taking
    return listing.groups(picked)


def round_down(groups: list[Group], values: list[float]) -> list[Group]:
    """Disjoint groups taken by LP value, then gain, then least overspend."""
    listing = as_listing(groups)
    rows = np.arange(len(listing))
    return listing.groups(_round_down(listing, rows, np.asarray(values, dtype=float)))


def _round_down(listing: Listing, rows: np.ndarray, values: np.ndarray) -> list[int]:
    taken = values > 1e-6
    rows, values = rows[taken], values[taken]
    overspend = listing.amount[rows] - listing.threshold[rows]
    order = np.lexsort((overspend, -listing.gain[rows], -values))
    used: set[int] = set()
    picked = []
    for row, members in zip(
        rows[order].tolist(), listing.members[rows[order]].tolist(), strict=True
    ):
        members = [member for member in members if member >= 0]
        if used.isdisjoint(members):
            picked.append(row)
            used.update(members)
    return picked
