"""Exact matching of a small component: enumerate minimal groups, pack with CP-SAT.

A group is *minimal* when dropping its smallest cart drops it below the tier it
reaches. A non-minimal group never beats the same group without that cart (the
tier and so the saving stay, the overspend shrinks), so an optimal packing uses
minimal groups only, which keeps the enumeration small.
"""

from __future__ import annotations

import functools
import itertools
import math

from ortools.sat.python import cp_model

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.listing import TooManyGroups, list_groups
from groupbuy.pooling.matching.types import (
    Cart,
    Group,
    Matching,
    Tiers,
    solo_saving,
    tier_reached,
)

# Up to this many carts the recursive listing below is faster (numpy's fixed
# costs); above it ``listing.list_groups`` lists the same groups ~4× faster.
RECURSIVE_LIMIT = 24
# The least time the overspend phase of ``pack`` gets (see there).
SECOND_PHASE_FLOOR_S = 0.05


class _Model(cp_model.CpModel):
    """A CpModel without its camelCase aliases: OR-Tools 9.15 adds them on every
    construction, which costs ~1.7 ms per model (most of a local-search step)."""

    def _add_pre_pep8_methods(self) -> None:
        pass


def candidate_groups(
    tiers: Tiers,
    carts: list[Cart],
    *,
    limit: int | None = None,
    deadline: float | None = None,
    max_overspend: float | None = None,
) -> list[Group]:
    """Return every minimal feasible group with a positive gain (raise
    TooManyGroups past ``limit`` groups or ``deadline``, a ``clock`` time).

    With ``max_overspend`` (a fraction of the tier reached), groups that
    overspend more are left out: no longer every optimal packing's groups, but
    the ones an LP over a dense chunk almost always takes."""
    if not tiers:
        return []
    if len(carts) > RECURSIVE_LIMIT:
        return list_groups(
            tiers, carts, limit=limit, deadline=deadline, max_overspend=max_overspend
        )
    ordered = sorted(carts, key=lambda cart: -cart.amount_fen)
    amounts = [cart.amount_fen for cart in ordered]
    prefix = [0, *itertools.accumulate(amounts)]
    solos = [solo_saving(tiers, cart) for cart in ordered]
    top = tiers[-1][0]
    lowest = tiers[0][0]
    cap_all = max((cart.max_group_size for cart in ordered), default=0)
    groups: list[Group] = []
    chosen: list[int] = []
    count = len(ordered)
    slack = math.inf if max_overspend is None else max_overspend
    top_limit = top * (1 + slack)

    def visit(start, amount, solo, cap, window_start, window_end) -> None:
        if len(chosen) >= 2:
            threshold, off = tier_reached(tiers, amount)
            if (
                off > solo
                and amount - amounts[chosen[-1]] < threshold
                and amount <= threshold * (1 + slack)
            ):
                groups.append(
                    Group(
                        keys=tuple(ordered[index].key for index in chosen),
                        amount_fen=amount,
                        threshold_fen=threshold,
                        saving_fen=off,
                        gain_fen=off - solo,
                    )
                )
                if limit is not None and len(groups) > limit:
                    raise TooManyGroups
                # The clock is read every 64 groups (it costs microseconds).
                if (
                    deadline is not None
                    and not len(groups) % 64
                    and clock.now() > deadline
                ):
                    raise TooManyGroups
        if amount >= top or len(chosen) >= cap:
            return
        room = cap - len(chosen)
        for index in range(start, count):
            # The largest carts still available bound what this branch can reach.
            if amount + prefix[min(count, index + room)] - prefix[index] < lowest:
                return
            if amount + amounts[index] > top_limit:
                continue  # past the top tier by more than the slack, with any
            cart = ordered[index]
            new_start = max(window_start, cart.window_start)
            new_end = min(window_end, cart.window_end)
            if new_start > new_end or cart.max_group_size <= len(chosen):
                continue
            chosen.append(index)
            visit(
                index + 1,
                amount + amounts[index],
                solo + solos[index],
                min(cap, cart.max_group_size),
                new_start,
                new_end,
            )
            chosen.pop()

    visit(0, 0, 0, cap_all, float("-inf"), float("inf"))
    return groups


def pack(
    groups: list[Group],
    *,
    time_limit_s: float = 5.0,
    hint: list[Group] = (),
    least_overspend: bool = True,
) -> list[Group]:
    """Return a set of disjoint ``groups`` with the most gain and, among those,
    the least overspend (CP-SAT, in two phases).

    One weighted objective for both would make the solver prove far more: with
    the saving first it proves optimality in milliseconds where the weighted
    form needs seconds. The second phase fixes the saving and lowers the
    overspend with the time left (skipped when ``least_overspend`` is false:
    the local search compares overspends itself).
    """
    if not groups:
        return []
    started = clock.now()
    deadline = started + time_limit_s
    model = _Model()
    chosen = [model.new_bool_var(f"g{index}") for index in range(len(groups))]
    by_key: dict[str, list] = {}
    for variable, group in zip(chosen, groups, strict=True):
        for key in group.keys:
            by_key.setdefault(key, []).append(variable)
    for variables in by_key.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    unit = functools.reduce(math.gcd, (group.gain_fen for group in groups))
    gain = sum(
        variable * (group.gain_fen // unit)
        for variable, group in zip(chosen, groups, strict=True)
    )
    model.maximize(gain)
    _hint(model, chosen, groups, {group.keys for group in hint})
    solver = _solver(deadline)
    if len(groups) > 100:
        # The root LP finds good packings early on mid-size models (measured:
        # 60 carts / 500 groups reach the optimum in ~20 ms instead of ~50).
        solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(hint)
    best = [g for v, g in zip(chosen, groups, strict=True) if solver.value(v)]
    if (
        not least_overspend
        or status != cp_model.OPTIMAL
        or deadline - clock.now() < 0.002
    ):
        return best
    model.add(gain >= round(solver.objective_value))
    model.minimize(
        sum(
            variable * group.overspend_fen
            for variable, group in zip(chosen, groups, strict=True)
        )
    )
    model.clear_hints()
    _hint(model, chosen, groups, {group.keys for group in best})
    # The overspend is second: it gets no more time than the saving took, so a
    # shared budget is left for other components' savings; but at least
    # SECOND_PHASE_FLOOR_S, because on a busy machine a solve that takes one
    # millisecond idle can take several of wall time (then the first phase's
    # packing came back, overspend and all). A solve that proves its optimum
    # returns at once, so the floor costs only on models it cannot prove.
    elapsed = clock.now() - started
    solver = _solver(min(deadline, clock.now() + max(SECOND_PHASE_FLOOR_S, elapsed)))
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [g for v, g in zip(chosen, groups, strict=True) if solver.value(v)]
    return best


def _hint(model, chosen, groups, hinted) -> None:
    if hinted:
        for variable, group in zip(chosen, groups, strict=True):
            model.add_hint(variable, group.keys in hinted)


def _solver(deadline: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.001, deadline - clock.now())
    solver.parameters.num_workers = 1
    # On these small set-packing models presolve costs more than it saves
    # (measured: tens of ms down to a few on 50–150 candidate groups).
    solver.parameters.cp_model_presolve = False
    return solver


def solve_exact(
    tiers: Tiers, carts: list[Cart], *, time_limit_s: float = 5.0
) -> Matching:
    return Matching(pack(candidate_groups(tiers, carts), time_limit_s=time_limit_s))
