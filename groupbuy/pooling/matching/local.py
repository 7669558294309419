"""Local search over one large component: free a time-local neighbourhood of
groups and unmatched carts, re-solve it exactly (CP-SAT), keep it if better.

Carts can only pool with carts whose windows meet theirs, so a neighbourhood is
taken around one cart in window order (the carts whose windows start just before
and after it), widened to whole groups: a random handful of groups from across a
day would rarely have anything to exchange.
"""

from __future__ import annotations

import random

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.exact import candidate_groups, pack
from groupbuy.pooling.matching.types import Cart, Group, Tiers

NEIGHBOURHOOD_CARTS = 16  # carts freed and re-solved exactly per step
STEP_LIMIT_S = 0.05  # no single step may take more than this


class Search:
    """The state of the local search on one component."""

    def __init__(self, tiers: Tiers, carts: list[Cart], groups: list[Group], seed=0):
        self.tiers = tiers
        self.ordered = sorted(carts, key=lambda cart: cart.window_start)
        self.starts = [cart.window_start for cart in self.ordered]
        self.position = {cart.key: index for index, cart in enumerate(self.ordered)}
        self.group_of: dict[str, Group] = {}
        for group in groups:
            for key in group.keys:
                self.group_of[key] = group
        self.rng = random.Random(seed)
        self.steps = 0
        self.failures = 0

    def groups(self) -> list[Group]:
        return list({id(group): group for group in self.group_of.values()}.values())

    def step(self, deadline: float) -> bool:
        """One neighbourhood re-solved; return whether it improved."""
        self.steps += 1
        centre = self._centre()
        pool, freed = self._neighbourhood(centre)
        left = deadline - clock.now()
        if left <= 0 or len(pool) < 2:
            return False
        candidates = candidate_groups(self.tiers, pool)
        left = deadline - clock.now()
        if left <= 0:
            return False
        resolved = pack(
            candidates,
            time_limit_s=min(left, STEP_LIMIT_S),
            hint=freed,
            least_overspend=False,
        )
        if _score(resolved) <= _score(freed):
            self.failures += 1
            return False
        for group in freed:
            for key in group.keys:
                del self.group_of[key]
        for group in resolved:
            for key in group.keys:
                self.group_of[key] = group
        return True

    def _centre(self) -> int:
        # Mostly around a cart left out: that is where the saving is.
        for _ in range(8):
            index = self.rng.randrange(len(self.ordered))
            if self.ordered[index].key not in self.group_of:
                return index
        return self.rng.randrange(len(self.ordered))

    def _neighbourhood(self, centre: int) -> tuple[list[Cart], list[Group]]:
        """Carts around ``centre`` in window order, whole groups at a time."""
        taken: dict[str, Cart] = {}
        freed: dict[int, Group] = {}
        low, high = centre, centre + 1
        size = NEIGHBOURHOOD_CARTS
        # The window of the centre bounds who can join it; walk outward.
        while len(taken) < size and (low >= 0 or high < len(self.ordered)):
            if high >= len(self.ordered) or (low >= 0 and self.rng.random() < 0.5):
                index, low = low, low - 1
            else:
                index, high = high, high + 1
            cart = self.ordered[index]
            if cart.key in taken:
                continue
            group = self.group_of.get(cart.key)
            members = [cart.key] if group is None else list(group.keys)
            if len(taken) + len(members) > size and taken:
                continue
            for key in members:
                taken[key] = self.ordered[self.position[key]]
            if group is not None:
                freed[id(group)] = group
        return list(taken.values()), list(freed.values())


def _score(groups) -> tuple[int, int]:
    return (
        sum(group.gain_fen for group in groups),
        -sum(group.overspend_fen for group in groups),
    )


def window_parts(carts: list[Cart]) -> list[list[Cart]]:
    """Split carts into parts no group can span: a sweep over windows in start
    order, cutting wherever no window reaches past the next one's start."""
    ordered = sorted(carts, key=lambda cart: cart.window_start)
    parts: list[list[Cart]] = []
    reach = float("-inf")
    for cart in ordered:
        if not parts or cart.window_start > reach:
            parts.append([])
            reach = cart.window_end
        else:
            reach = max(reach, cart.window_end)
        parts[-1].append(cart)
    return parts
