"""Matching for promotions priced on items: buy n pay m, second item discounted.

A group's value is not a function of its amount here: the till prices the
members' combined items (``savings.basket_saving``), and a group gains what that
saves beyond what each member would save alone. Three shoppers who each want one
bottle of a "buy 3 pay 2" shampoo gain one bottle together; two who each want
one unit of a "second at 50 %" product gain half the cheaper one.

So the groups are listed, not derived from tiers: every set of carts of at most
the smallest cap among them, whose windows share a moment, that gains, and in
which every member counts (without any one of them the rest would gain less; a
group with a passenger is never better than the group without it). CP-SAT packs
them (``exact.pack``), most total gain first.

Listing is exponential in the group size, so a part of a component is packed in
chunks (carts in the order their windows open) no larger than ``CHUNK_SETS``
candidate sets allow; the carts a chunk leaves unmatched are carried into the
next. Within a chunk the packing is exact; across chunks it is not.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from groupbuy.pooling import savings
from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.exact import pack
from groupbuy.pooling.matching.types import Group, Matching

# The most candidate sets one chunk may enumerate: with a cap of 3 that is ~40
# carts a chunk, with a cap of 6 ~14 (Σ C(n, k) for k = 2..cap).
CHUNK_SETS = 12_000
# The least CP-SAT time a chunk gets, however much of the budget is spent.
CHUNK_FLOOR_S = 0.05


@dataclass(frozen=True)
class ItemCart:
    key: str
    lines: tuple[savings.Line, ...]
    max_group_size: int = 6
    window_start: float = 0.0
    window_end: float = float("inf")


def solo_saving(rules: savings.Rules, cart: ItemCart) -> int:
    return savings.basket_saving(rules, list(cart.lines))


def make_item_group(
    rules: savings.Rules, carts: list[ItemCart], solos: dict[str, int] | None = None
) -> Group | None:
    """The group of ``carts``, or None when it is infeasible (size, windows)
    or gains nothing over its members shopping alone."""
    if len(carts) < 2 or len(carts) > min(cart.max_group_size for cart in carts):
        return None
    if max(cart.window_start for cart in carts) > min(c.window_end for c in carts):
        return None
    solos = solos if solos is not None else {}
    alone = sum(
        solos[c.key] if c.key in solos else solo_saving(rules, c) for c in carts
    )
    lines = [line for cart in carts for line in cart.lines]
    saving = savings.basket_saving(rules, lines)
    if saving <= alone:
        return None
    return Group(
        keys=tuple(cart.key for cart in carts),
        amount_fen=savings.eligible_fen(rules, lines),
        threshold_fen=0,  # no tier: the till prices the items themselves
        saving_fen=saving,
        gain_fen=saving - alone,
    )


def item_groups(rules: savings.Rules, carts: list[ItemCart]) -> list[Group]:
    """Every feasible group of ``carts`` that gains and needs all its members."""
    solos = {cart.key: solo_saving(rules, cart) for cart in carts}
    gains: dict[frozenset, int] = {}
    groups = []
    largest = max((cart.max_group_size for cart in carts), default=0)
    for size in range(2, min(largest, len(carts)) + 1):
        for members in itertools.combinations(carts, size):
            group = make_item_group(rules, list(members), solos)
            keys = frozenset(cart.key for cart in members)
            gains[keys] = group.gain_fen if group else 0
            if group is None:
                continue
            # every member counts: each subset one smaller gains less
            if size > 2 and any(
                gains.get(keys - {key}, 0) >= group.gain_fen for key in keys
            ):
                continue
            groups.append(group)
    return groups


def _greedy(groups: list[Group], standing: list[Group]) -> list[Group]:
    """The standing groups, then the listed ones by gain as long as they fit."""
    taken = list(standing)
    used = {key for group in taken for key in group.keys}
    for group in sorted(groups, key=lambda g: (-g.gain_fen, len(g.keys))):
        if used.isdisjoint(group.keys):
            taken.append(group)
            used.update(group.keys)
    return taken


def chunk_size(cap: int) -> int:
    """The most carts whose sets of 2..cap members stay within CHUNK_SETS."""
    size = 2
    while sum(math.comb(size + 1, k) for k in range(2, cap + 1)) <= CHUNK_SETS:
        size += 1
    return size


def match_items(
    rules: savings.Rules,
    carts: list[ItemCart],
    *,
    budget_s: float = 1.0,
    hint: list[Group] = (),
) -> Matching:
    """Pool item carts for most total gain within ``budget_s`` of CP-SAT."""
    carts = [
        ItemCart(
            key=cart.key,
            lines=tuple(savings.counted_items(rules, cart.lines)),
            max_group_size=cart.max_group_size,
            window_start=cart.window_start,
            window_end=cart.window_end,
        )
        for cart in carts
    ]
    carts = [cart for cart in carts if cart.lines]
    ordered = sorted(carts, key=lambda cart: (cart.window_start, cart.key))
    deadline = clock.now() + budget_s
    size = chunk_size(max((cart.max_group_size for cart in ordered), default=2))
    chunks_left = math.ceil(len(ordered) / size)
    chosen: list[Group] = []
    carried: list[ItemCart] = []
    index = 0
    while True:
        taken = ordered[index : index + size - len(carried)]
        index += len(taken)
        chunk = carried + taken
        used: set[str] = set()
        if len(chunk) >= 2:
            keys = {cart.key for cart in chunk}
            groups = item_groups(rules, chunk)
            start = _greedy(groups, [g for g in hint if set(g.keys) <= keys])
            share = max(0.0, deadline - clock.now()) / max(1, chunks_left)
            # CP-SAT starts from the greedy packing and returns it if it finds
            # nothing better in its time (never less than CHUNK_FLOOR_S, so a
            # budget spent on earlier chunks still lets a chunk be packed).
            packed = pack(
                groups,
                time_limit_s=max(CHUNK_FLOOR_S, share),
                hint=start,
                least_overspend=False,
            )
            chosen += packed
            used = {key for group in packed for key in group.keys}
        chunks_left -= 1
        if index >= len(ordered):
            return Matching(chosen)
        # The unmatched carts whose windows reach the next cart's opening go on
        # to the next chunk (at most half of it, so every chunk takes new carts).
        opens = ordered[index].window_start
        carried = [
            cart for cart in chunk if cart.key not in used and cart.window_end >= opens
        ][-(size // 2) :]
