"""The greedy baseline as it was until 2026-12-03: the largest cart, filled with
the smallest carts to the *lowest* tier only. Kept for ``pooling.py
--baseline-only``, which compares it with today's baseline on instances too
large to bound again (the earlier runs give its fraction of their bounds)."""

from __future__ import annotations

from groupbuy.pooling.matching.types import Cart, Matching, Tiers, make_group


def solve_lowest_tier_greedy(tiers: Tiers, carts: list[Cart]) -> Matching:
    if not tiers:
        return Matching([])
    lowest = tiers[0][0]
    left = sorted(carts, key=lambda cart: cart.amount_fen)
    groups = []
    while len(left) >= 2:
        anchor = left.pop()
        members = [anchor]
        amount = anchor.amount_fen
        index = 0
        while amount < lowest and index < len(left):
            candidate = left[index]
            if make_group(tiers, [*members, candidate]) is not None or (
                len(members) + 1 < min(c.max_group_size for c in [*members, candidate])
                and _windows_meet([*members, candidate])
            ):
                members.append(candidate)
                amount += candidate.amount_fen
                left.pop(index)
            else:
                index += 1
        group = make_group(tiers, members)
        if group is None:
            # Give the fill back; the anchor stays alone.
            for member in members[1:]:
                left.append(member)
            left.sort(key=lambda cart: cart.amount_fen)
            continue
        groups.append(group)
    return Matching(groups)


def _windows_meet(carts: list[Cart]) -> bool:
    return max(c.window_start for c in carts) <= min(c.window_end for c in carts)
