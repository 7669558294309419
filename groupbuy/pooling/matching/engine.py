"""The engine: exact for small components, construction plus local search above.

Every solver call draws on one time budget (``budget_s``) for the whole run.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.exact import TooManyGroups, candidate_groups, pack
from groupbuy.pooling.matching.listing import list_arrays
from groupbuy.pooling.matching.local import Search, window_parts
from groupbuy.pooling.matching.lp import PACK_AMPLE, PACK_LEAN, lp_pack, lp_round
from groupbuy.pooling.matching.types import (
    Cart,
    Group,
    Matching,
    Tiers,
    best_rate_group,
)

EXACT_LIMIT = 20  # carts a part may have to be solved exactly at once
# A part of up to EXACT_LIMIT carts is packed exactly when its windows and sizes
# leave at most this many minimal groups; otherwise it keeps its construction.
CANDIDATE_LIMIT = 1_500
# Time the construction takes per cart (measured 7.5 µs on 10k carts; kept in
# reserve for the parts the LP does not reach).
CONSTRUCT_S_PER_CART = 10e-6
PACK_S_PER_CART = 500e-6
# From this much a cart, the exact packing after the LP gets PACK_AMPLE's
# columns and time limit, below it PACK_LEAN's.
AMPLE_S_PER_CART = 1e-3
# Groups overspending more than this fraction of their tier are left out of LP
# chunks (the LP seldom takes them). 0.15 while listing made a Group object per
# group; with the array listing 0.25 gains ~0.4 % at 10k (tuning seeds 7–10),
# 0.10 and 0.40 lose.
CHUNK_OVERSPEND = 0.25
# A chunk with too many groups is listed again keeping only those that overspend
# at most this much, before it is halved: in a dense part a 40-cart chunk at 5 %
# keeps ~1 000 of its ~3 000 groups and 0.96–0.99 of its LP, where two chunks of
# 20 lose ~5 % of the part's bound at their edges. Tuning seeds 7–14, 2 s CPU:
# +0.1 % at 10k, within the runs' noise (+0.7 % on the parts of more than
# 1 000 carts); seeds 7–10, 10 s: +0.6 % at 100k; seeds 7–18 at 1k: +0.2 %.
# 8 % gained +0.3 % at 10k but +0.4 % at 100k; 3 % and 10 % gained less.
DENSE_OVERSPEND = 0.05
# Carts per configuration LP (consecutive in window order) and the most minimal
# groups a chunk may have before it is listed again with fewer: wide when the
# budget leaves PACK_S_PER_CART, narrow otherwise. Narrow chunks were 40 carts
# (2 000 groups) until 2026-12-04; with dense chunks kept at DENSE_OVERSPEND,
# 64 (4 000) gains +0.2 % at 10k on tuning seeds 7–14 (+0.06 % on 15–22) and
# +0.46 % at 100k on seeds 7–10, nothing at 1k; 96 carts gain at 10k but lose
# at 100k.
CHUNK = (64, 4_000)
CHUNK_WIDE = (128, 6_000)
CARRY = 0.5  # at most this fraction of a chunk is carried into the next
# A part of the LP phase may spend this many times its size's share of the
# budget left: the parts the LP finds easy leave time over, which the next parts
# use for wider chunks and CP-SAT rather than the local search (which gains
# ~0.1 % with a quarter of the 10k budget). 1.5 until 2026-12-04; 2.5 gains
# +0.2 % / +0.3 % at 10k on tuning seeds 7–14 / 15–22, nothing at 1k or 100k.
SHARE = 2.5
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
    left = deadline - clock.now()
    if left <= 0:
        return groups
    try:
        candidates = candidate_groups(
            tiers, carts, limit=CANDIDATE_LIMIT, deadline=deadline
        )
    except TooManyGroups:
        return groups
    left = deadline - clock.now()
    if left <= 0:
        return groups
    return _best_of(pack(candidates, time_limit_s=left, hint=groups), groups)


def _lp_part(tiers, part, hint, deadline) -> list[Group]:
    """The configuration LP, chunk by chunk in window order until ``deadline``,
    rounded down; the carts left over are closed by the construction. Returns
    ``hint`` when that is at least as good."""
    ordered = sorted(part, key=lambda cart: cart.window_start)
    # Wide chunks and CP-SAT after the LP gain ~1 % but cost a third of the
    # time or more: worth it only when the budget leaves this much per cart.
    per_cart = (deadline - clock.now()) / len(part)
    exact_after = per_cart >= PACK_S_PER_CART
    columns, limit_s = PACK_AMPLE if per_cart >= AMPLE_S_PER_CART else PACK_LEAN
    picked: list[Group] = []
    size, group_limit = CHUNK_WIDE if exact_after else CHUNK
    position = 0
    overspend = CHUNK_OVERSPEND
    carry: list[Cart] = []
    while position < len(ordered) and clock.now() < deadline:
        end = position + size
        if len(ordered) - end < size // 2:
            end = len(ordered)  # a short tail joins the chunk before it
        chunk = carry + ordered[position:end]
        try:
            candidates = list_arrays(
                tiers,
                chunk,
                limit=group_limit,
                deadline=deadline,
                max_overspend=overspend,
            )
        except TooManyGroups:
            # Dense: fewer groups from here on, then smaller chunks; the
            # smallest that is still too dense keeps its construction.
            if overspend > DENSE_OVERSPEND:
                overspend = DENSE_OVERSPEND
            elif size // 2 >= EXACT_LIMIT:
                size //= 2
            else:
                position = end
            continue
        if exact_after:
            rounded = lp_pack(
                candidates, deadline, columns_per_cart=columns, limit_s=limit_s
            )
        else:
            rounded = lp_round(candidates, deadline)
        if rounded is None:
            break
        picked += rounded
        position = end
        # Carts a chunk left over whose windows reach the next chunk get a
        # second chance there: without it every chunk edge loses its pairs.
        taken = {key for group in rounded for key in group.keys}
        reach = ordered[end].window_start if end < len(ordered) else math.inf
        carry = [c for c in chunk if c.key not in taken and c.window_end >= reach]
        carry = carry[-int(size * CARRY) :] if CARRY else []
    used = {key for group in picked for key in group.keys}
    return _best_of(
        picked + _construct(tiers, [c for c in part if c.key not in used]), hint
    )


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
        best = best_rate_group(
            tiers,
            anchor,
            ordered,
            functools.partial(_close, anchor_index, ordered=ordered, amounts=amounts),
        )
        if best is None:
            tried += 1
            continue
        group, picked = best
        for index in sorted([anchor_index, *picked], reverse=True):
            if index > anchor_index:
                tried -= 1
            ordered.pop(index)
            amounts.pop(index)
        groups.append(group)
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
    can span the cut). Parts of up to ``EXACT_LIMIT`` carts get the construction
    and are then packed exactly (CP-SAT), smallest first, each taking its size's
    share of the budget left. Larger parts get the configuration LP chunk by
    chunk, smallest part first, while time is left after a reserve for the
    construction of those not reached yet; then local search, in steps drawn in
    proportion to the parts' sizes, until the budget is spent. A standing
    matching (``hints``) is kept for a part when it is at least as good.
    """
    deadline = clock.now() + budget_s
    hints = hints or [[] for _ in components]
    parts: list[tuple[Tiers, list[Cart], list[Group]]] = []
    owners: list[int] = []
    for index, (tiers, carts) in enumerate(components):
        if not tiers:
            continue
        for part in window_parts(carts):
            if len(part) > 1:
                parts.append((tiers, part, _valid_hint(hints[index], part)))
                owners.append(index)
    results: list[list[Group]] = [[] for _ in parts]
    large = [i for i, (_t, part, _h) in enumerate(parts) if len(part) > EXACT_LIMIT]
    small = [i for i, (_t, part, _h) in enumerate(parts) if len(part) <= EXACT_LIMIT]
    small.sort(key=lambda i: len(parts[i][1]))
    large.sort(key=lambda i: len(parts[i][1]))
    remaining = sum(len(part) for _t, part, _h in parts)
    for i in small:
        tiers, part, hint = parts[i]
        results[i] = _best_of(_construct(tiers, part), hint)
        left = deadline - clock.now()
        if left <= 0:
            continue
        # A floor, because CP-SAT needs a few milliseconds even on tiny models.
        part_time = max(left * len(part) / remaining, min(left, MIN_SOLVE_S))
        remaining -= len(part)
        results[i] = _pack_if_enumerable(
            tiers, part, results[i], clock.now() + part_time
        )
    remaining = sum(len(parts[i][1]) for i in large)
    for i in large:
        tiers, part, hint = parts[i]
        reserve = CONSTRUCT_S_PER_CART * (remaining - len(part))
        left = deadline - reserve - clock.now()
        # SHARE times its size's share of what is left (the local search and the
        # parts the LP finds easy leave time over), so one dense part cannot
        # starve the others.
        share = min(left, SHARE * left * len(part) / remaining)
        remaining -= len(part)
        results[i] = _lp_part(tiers, part, hint, clock.now() + share)
    if large and clock.now() < deadline:
        rng = random.Random(seed)
        searches = [
            Search(parts[i][0], parts[i][1], results[i], seed=rng.randrange(1 << 30))
            for i in large
        ]
        weights = list(itertools.accumulate(len(parts[i][1]) for i in large))
        while clock.now() < deadline:
            pick = bisect.bisect_right(weights, rng.random() * weights[-1])
            searches[min(pick, len(searches) - 1)].step(deadline)
        for i, search in zip(large, searches, strict=True):
            results[i] = search.groups()
    matchings = [Matching([]) for _ in components]
    for index, groups in zip(owners, results, strict=True):
        matchings[index].groups.extend(groups)
    return matchings
