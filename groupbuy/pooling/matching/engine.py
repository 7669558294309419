"""The engine: exact for small components, construction plus local search above.

Every solver call draws on one time budget (``budget_s``) for the whole run.
"""

from __future__ import annotations

import bisect
import random
import time

from groupbuy.pooling.matching.exact import TooManyGroups, candidate_groups, pack
from groupbuy.pooling.matching.types import Cart, Group, Matching, Tiers, make_group

EXACT_LIMIT = 20  # carts a component may have to be solved exactly at once
# Larger components are still packed exactly when their time windows and sizes
# leave at most this many minimal groups.
CANDIDATE_LIMIT = 4_000
NEIGHBOURHOOD_CARTS = 14  # carts freed and re-solved exactly per local-search step
MIN_SOLVE_S = 0.03  # the least time a component gets in a shared budget
FILL_SCAN = 24  # candidates tried when the best-fitting cart cannot join


def match(
    tiers: Tiers,
    carts: list[Cart],
    *,
    budget_s: float = 1.0,
    hint: list[Group] = (),
    seed: int = 0,
) -> Matching:
    """Return a near-optimal matching of ``carts`` under ``tiers``."""
    deadline = time.perf_counter() + budget_s
    groups = _best_of(_construct(tiers, carts), _valid_hint(hint, carts))
    groups = _pack_if_enumerable(tiers, carts, groups, deadline)
    if len(carts) > EXACT_LIMIT:
        groups = _improve(tiers, carts, groups, deadline, random.Random(seed))
    return Matching(groups)


def _pack_if_enumerable(tiers, carts, groups, deadline) -> list[Group]:
    """Pack the component exactly (CP-SAT, warm-started from ``groups``) when its
    minimal groups can be listed; otherwise return ``groups`` unchanged."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return groups
    try:
        candidates = candidate_groups(
            tiers, carts, limit=CANDIDATE_LIMIT, deadline=deadline
        )
    except TooManyGroups:
        return groups
    left = deadline - time.perf_counter()
    if left <= 0:
        return groups
    return _best_of(pack(candidates, time_limit_s=left, hint=groups), groups)


def _valid_hint(hint, carts) -> list[Group]:
    keys = {cart.key for cart in carts}
    return [group for group in hint if set(group.keys) <= keys]


def _score(groups) -> tuple[int, int]:
    return (
        sum(group.gain_fen for group in groups),
        -sum(group.overspend_fen for group in groups),
    )


def _best_of(constructed: list[Group], hint: list[Group]) -> list[Group]:
    # A standing matching (the suggestions already out) is kept when it is at
    # least as good: re-optimising should not reshuffle people for nothing.
    if hint and _score(hint) >= _score(constructed):
        return list(hint)
    return constructed


def _construct(tiers: Tiers, carts: list[Cart]) -> list[Group]:
    """Largest cart first, closed to each tier by best fit; keep the group with
    the best gain per fen spent."""
    ordered = sorted(carts, key=lambda cart: cart.amount_fen)
    amounts = [cart.amount_fen for cart in ordered]
    groups = []
    while len(ordered) >= 2:
        anchor = ordered.pop()
        amounts.pop()
        best: tuple[float, list[int], Group] | None = None
        for threshold, _off in tiers:
            picked = _close(tiers, anchor, threshold, ordered, amounts)
            if picked is None:
                continue
            group = make_group(tiers, [anchor, *(ordered[i] for i in picked)])
            if group is None:
                continue
            rate = group.gain_fen / group.amount_fen
            if best is None or rate > best[0]:
                best = (rate, picked, group)
        if best is None:
            continue
        for index in sorted(best[1], reverse=True):
            ordered.pop(index)
            amounts.pop(index)
        groups.append(best[2])
    return groups


def _close(tiers, anchor, threshold, ordered, amounts) -> list[int] | None:
    """Return indexes of carts that take ``anchor`` to ``threshold``: each step
    the smallest cart that closes the gap, else the largest that fits."""
    members = [anchor]
    picked: list[int] = []
    amount = anchor.amount_fen
    cap = anchor.max_group_size
    while amount < threshold:
        if len(members) >= cap:
            return None
        need = threshold - amount
        index = bisect.bisect_left(amounts, need)
        found = _first_joinable(members, ordered, picked, index, cap, upward=True)
        if found is None:
            found = _first_joinable(
                members, ordered, picked, len(ordered) - 1, cap, upward=False
            )
        if found is None:
            return None
        picked.append(found)
        members.append(ordered[found])
        amount += ordered[found].amount_fen
        cap = min(cap, ordered[found].max_group_size)
    return picked


def _first_joinable(members, ordered, picked, start, cap, *, upward) -> int | None:
    step = 1 if upward else -1
    index = start
    for _ in range(FILL_SCAN):
        if index < 0 or index >= len(ordered):
            return None
        cart = ordered[index]
        if (
            index not in picked
            and cart.max_group_size > len(members)
            and cap > len(members)
            and max(cart.window_start, *(m.window_start for m in members))
            <= min(cart.window_end, *(m.window_end for m in members))
        ):
            return index
        index += step
    return None


def _improve(tiers, carts, groups, deadline, rng) -> list[Group]:
    """Free a few groups plus unmatched carts, re-solve them exactly, keep the
    better answer; repeat until the budget is spent."""
    by_key = {cart.key: cart for cart in carts}
    groups = list(groups)
    while time.perf_counter() < deadline and groups:
        matched = {key for group in groups for key in group.keys}
        free = [cart for cart in carts if cart.key not in matched]
        freed_groups = rng.sample(groups, min(len(groups), rng.choice((2, 3, 4))))
        pool = [by_key[key] for group in freed_groups for key in group.keys]
        room = NEIGHBOURHOOD_CARTS - len(pool)
        if room > 0 and free:
            pool += _near(free, freed_groups, room, rng)
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        resolved = pack(
            candidate_groups(tiers, pool),
            time_limit_s=min(remaining, 0.2),
            hint=freed_groups,
        )
        if _score(resolved) > _score(freed_groups):
            freed = {id(group) for group in freed_groups}
            groups = [group for group in groups if id(group) not in freed] + resolved
    return groups


def _near(free, freed_groups, room, rng) -> list[Cart]:
    # Unmatched carts that could complete a freed group: sample around the
    # amounts the freed groups were short of or over.
    if len(free) <= room:
        return list(free)
    return rng.sample(free, room)


def match_many(
    components: list[tuple[Tiers, list[Cart]]], *, budget_s: float, seed: int = 0
) -> list[Matching]:
    """Match many components (shops × promotions) under ONE time budget.

    Every component first gets the fast construction. The budget left is then
    spent smallest component first, each getting its size's share of what is
    left (so time a small one does not need carries over to the larger ones):
    exact packing where its minimal groups can be listed, then local search.
    """
    deadline = time.perf_counter() + budget_s
    rng = random.Random(seed)
    results = [_construct(tiers, carts) for tiers, carts in components]
    order = sorted(range(len(components)), key=lambda index: len(components[index][1]))
    remaining = sum(len(carts) for _tiers, carts in components)
    for index in order:
        tiers, carts = components[index]
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        # A floor, because CP-SAT needs a few milliseconds even on tiny models.
        component_time = max(left * len(carts) / remaining, min(left, MIN_SOLVE_S))
        component_deadline = time.perf_counter() + component_time
        remaining -= len(carts)
        if len(carts) < 2:
            continue
        results[index] = _pack_if_enumerable(
            tiers, carts, results[index], component_deadline
        )
        if len(carts) > EXACT_LIMIT:
            results[index] = _improve(
                tiers, carts, results[index], component_deadline, rng
            )
    return [Matching(groups) for groups in results]
