"""The engine: exact for small components, construction plus local search above.

Every solver call draws on one time budget (``budget_s``) for the whole run.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time

from groupbuy.pooling.matching.exact import TooManyGroups, candidate_groups, pack
from groupbuy.pooling.matching.local import Search, window_parts
from groupbuy.pooling.matching.lp import lp_values, round_down
from groupbuy.pooling.matching.types import Cart, Group, Matching, Tiers, make_group

EXACT_LIMIT = 20  # carts a part may have to be solved exactly at once
# Parts up to MEDIUM_LIMIT carts are still packed whole (exactly when time
# allows) when their windows and sizes leave at most this many minimal groups.
CANDIDATE_LIMIT = 1_500
CHUNK = 64  # carts per configuration LP (consecutive in window order)
CHUNK_GROUP_LIMIT = 3_000  # a chunk with more minimal groups keeps its construction
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
    return match_many(
        [(tiers, carts)], budget_s=budget_s, seed=seed, hints=[list(hint)]
    )[0]


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


def _lp_part(tiers, part, groups, deadline) -> list[Group]:
    """The configuration LP, chunk by chunk in window order, rounded down; the
    carts left over are closed by the construction. Returns ``groups`` when
    that is no better."""
    ordered = sorted(part, key=lambda cart: cart.window_start)
    starts = list(range(0, len(ordered), CHUNK))
    if len(starts) > 1 and len(ordered) - starts[-1] < CHUNK // 2:
        starts.pop()  # a short tail joins the chunk before it
    pending = [
        ordered[start : starts[number + 1] if number + 1 < len(starts) else None]
        for number, start in enumerate(starts)
    ]
    pending.reverse()
    picked: list[Group] = []
    while pending and time.perf_counter() < deadline:
        chunk = pending.pop()
        try:
            candidates = candidate_groups(
                tiers, chunk, limit=CHUNK_GROUP_LIMIT, deadline=deadline
            )
        except TooManyGroups:
            # Dense: halve the chunk (the halves' carts stay in window order).
            if len(chunk) >= 2 * EXACT_LIMIT:
                middle = len(chunk) // 2
                pending += [chunk[middle:], chunk[:middle]]
            continue
        values = lp_values(candidates, time_limit_s=deadline - time.perf_counter())
        if values is None:
            break
        picked += round_down(candidates, values)
    used = {key for group in picked for key in group.keys}
    result = picked + _construct(tiers, [c for c in part if c.key not in used])
    return result if _score(result) > _score(groups) else groups


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
    the best gain per fen spent. An anchor that closes no group stays available
    to fill the groups of smaller anchors."""
    ordered = sorted(carts, key=lambda cart: cart.amount_fen)
    amounts = [cart.amount_fen for cart in ordered]
    groups = []
    tried = 0  # the largest ``tried`` carts were anchors that closed nothing
    while len(ordered) - tried >= 1 and len(ordered) >= 2:
        anchor_index = len(ordered) - 1 - tried
        anchor = ordered[anchor_index]
        best: tuple[float, list[int], Group] | None = None
        for threshold, _off in tiers:
            picked = _close(anchor_index, threshold, ordered, amounts)
            if picked is None:
                continue
            group = make_group(tiers, [anchor, *(ordered[i] for i in picked)])
            if group is None:
                continue
            rate = group.gain_fen / group.amount_fen
            if best is None or rate > best[0]:
                best = (rate, picked, group)
        if best is None:
            tried += 1
            continue
        for index in sorted([anchor_index, *best[1]], reverse=True):
            if index > anchor_index:
                tried -= 1
            ordered.pop(index)
            amounts.pop(index)
        groups.append(best[2])
    return groups


def _close(anchor_index, threshold, ordered, amounts) -> list[int] | None:
    """Return indexes of carts that take the anchor to ``threshold``: each step
    the smallest cart that closes the gap, else the largest that fits and
    leaves room for one more."""
    anchor = ordered[anchor_index]
    picked = [anchor_index]
    amount = anchor.amount_fen
    state = [anchor.max_group_size, anchor.window_start, anchor.window_end]
    while amount < threshold:
        size = len(picked)
        if size >= state[0]:
            return None
        need = threshold - amount
        index = bisect.bisect_left(amounts, need)
        found = _first_joinable(ordered, picked, index, state, size + 1, 1)
        if found is None and size + 2 <= state[0]:
            found = _first_joinable(ordered, picked, index - 1, state, size + 2, -1)
        if found is None:
            return None
        cart = ordered[found]
        picked.append(found)
        amount += cart.amount_fen
        state = [
            min(state[0], cart.max_group_size),
            max(state[1], cart.window_start),
            min(state[2], cart.window_end),
        ]
    return picked[1:]


def _first_joinable(ordered, picked, start, state, size, step) -> int | None:
    """The first cart from ``start`` (going ``step``) that can join a group of
    ``state`` (cap, window) that is to reach ``size`` members."""
    cap, window_start, window_end = state
    if cap < size:
        return None
    index = start
    for _ in range(FILL_SCAN):
        if index < 0 or index >= len(ordered):
            return None
        cart = ordered[index]
        if (
            cart.max_group_size >= size
            and cart.window_start <= window_end
            and window_start <= cart.window_end
            and index not in picked
        ):
            return index
        index += step
    return None


def match_many(
    components: list[tuple[Tiers, list[Cart]]],
    *,
    budget_s: float,
    seed: int = 0,
    hints: list[list[Group]] | None = None,
) -> list[Matching]:
    """Match many components (shops × promotions) under ONE time budget.

    Each component is first cut where no time window reaches the next (no group
    can span the cut). Every part gets the fast construction (or its standing
    matching from ``hints`` when that is at least as good). Then, with the
    budget left: parts of up to ``EXACT_LIMIT`` carts are packed exactly,
    smallest first, each taking its size's share of what is left; the larger
    parts share the rest in local-search steps drawn in proportion to their size.
    """
    deadline = time.perf_counter() + budget_s
    hints = hints or [[] for _ in components]
    parts: list[tuple[int, Tiers, list[Cart]]] = []
    for index, (tiers, carts) in enumerate(components):
        if tiers:
            parts.extend(
                (index, tiers, part) for part in window_parts(carts) if len(part) > 1
            )
    results = [
        _best_of(_construct(tiers, part), _valid_hint(hints[index], part))
        for index, tiers, part in parts
    ]
    large = [i for i, (_c, _t, part) in enumerate(parts) if len(part) > EXACT_LIMIT]
    small = [i for i, (_c, _t, part) in enumerate(parts) if len(part) <= EXACT_LIMIT]
    small.sort(key=lambda i: len(parts[i][2]))
    remaining = sum(len(part) for _c, _t, part in parts)
    for i in small:
        _component, tiers, part = parts[i]
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        # A floor, because CP-SAT needs a few milliseconds even on tiny models.
        part_time = max(left * len(part) / remaining, min(left, MIN_SOLVE_S))
        remaining -= len(part)
        results[i] = _pack_if_enumerable(
            tiers, part, results[i], time.perf_counter() + part_time
        )
    large.sort(key=lambda i: len(parts[i][2]))
    for i in large:
        if time.perf_counter() >= deadline:
            break
        results[i] = _lp_part(parts[i][1], parts[i][2], results[i], deadline)
    if large and time.perf_counter() < deadline:
        rng = random.Random(seed)
        searches = [
            Search(parts[i][1], parts[i][2], results[i], seed=rng.randrange(1 << 30))
            for i in large
        ]
        weights = list(itertools.accumulate(len(parts[i][2]) for i in large))
        while time.perf_counter() < deadline:
            pick = bisect.bisect_right(weights, rng.random() * weights[-1])
            searches[min(pick, len(searches) - 1)].step(deadline)
        for i, search in zip(large, searches, strict=True):
            results[i] = search.groups()
    matchings = [Matching([]) for _ in components]
    for (index, _tiers, _part), groups in zip(parts, results, strict=True):
        matchings[index].groups.extend(groups)
    return matchings
