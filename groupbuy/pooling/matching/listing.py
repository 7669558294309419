"""Listing minimal groups level by level with numpy (the same groups as the
recursive listing in ``exact``, which it replaces where speed matters).

Carts are ordered by amount, largest first, so a group's last member is its
smallest. Level k holds every partial group of k members that still may grow
(below the top tier, below its cap, windows meeting); level k + 1 extends each
with every later cart at once. A partial group of k + 1 members is a *minimal*
group when it reaches a tier its first k members did not.

Profiling (10k carts, 2 s budget) found the recursive listing was ~65 % of the
engine's time; this does the same work as array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groupbuy.pooling.matching import clock
from groupbuy.pooling.matching.types import Cart, Group, Tiers, solo_saving

# A level extending more partial groups than this many times the group limit
# gives up at once (measured on dense chunks: such levels go on to list far
# more groups than the limit, after most of the time).
STATES_PER_GROUP = 60


class TooManyGroups(Exception):
    """The component has more minimal groups than the caller allowed."""


WIDEST = 6  # columns of ``Listing.members`` (the largest group size generated)


@dataclass
class Listing:
    """Minimal groups as arrays, one row per group: the LP phase reads these
    directly and makes ``Group`` objects only for the groups it keeps (making
    one for every listed group was most of the listing's Python time)."""

    keys: list[str]  # cart keys, largest amount first
    members: np.ndarray  # (groups, width) indexes into ``keys``, padded with -1
    amount: np.ndarray
    threshold: np.ndarray
    off: np.ndarray
    gain: np.ndarray

    def __len__(self) -> int:
        return len(self.gain)

    def group(self, row: int) -> Group:
        return Group(
            keys=tuple([self.keys[i] for i in self.members[row].tolist() if i >= 0]),
            amount_fen=int(self.amount[row]),
            threshold_fen=int(self.threshold[row]),
            saving_fen=int(self.off[row]),
            gain_fen=int(self.gain[row]),
        )

    def groups(self, rows) -> list[Group]:
        return [self.group(row) for row in rows]


def list_groups(
    tiers: Tiers,
    carts: list[Cart],
    *,
    limit: int | None = None,
    deadline: float | None = None,
    max_overspend: float | None = None,
) -> list[Group]:
    """Every minimal feasible group with a positive gain (see
    ``exact.candidate_groups`` for the contract)."""
    listing = list_arrays(
        tiers, carts, limit=limit, deadline=deadline, max_overspend=max_overspend
    )
    return listing.groups(range(len(listing)))


def list_arrays(
    tiers: Tiers,
    carts: list[Cart],
    *,
    limit: int | None = None,
    deadline: float | None = None,
    max_overspend: float | None = None,
) -> Listing:
    """``list_groups`` as arrays (same groups, same order, same limits)."""
    empty = np.zeros(0, dtype=np.int64)
    if not tiers or len(carts) < 2:
        return Listing(
            [], np.zeros((0, WIDEST), dtype=np.int64), empty, empty, empty, empty
        )
    ordered = sorted(carts, key=lambda cart: -cart.amount_fen)
    count = len(ordered)
    amounts = np.array([cart.amount_fen for cart in ordered], dtype=np.int64)
    solos = np.array([solo_saving(tiers, cart) for cart in ordered], dtype=np.int64)
    caps = np.array([cart.max_group_size for cart in ordered], dtype=np.int64)
    starts = np.array([cart.window_start for cart in ordered], dtype=float)
    ends = np.array([cart.window_end for cart in ordered], dtype=float)
    thresholds = np.array([threshold for threshold, _off in tiers], dtype=np.int64)
    offs = np.array([off for _threshold, off in tiers], dtype=np.int64)
    top, lowest = int(thresholds[-1]), int(thresholds[0])
    slack = np.inf if max_overspend is None else max_overspend
    top_limit = top * (1 + slack)
    prefix = np.concatenate(([0], np.cumsum(amounts)))
    keys = [cart.key for cart in ordered]

    # Level 1: every cart that may start a group.
    first = np.flatnonzero((amounts <= top_limit) & (amounts < top) & (caps >= 2))
    members = first[:, None]
    amount, solo = amounts[first], solos[first]
    cap, low, high = caps[first], starts[first], ends[first]
    width = max(WIDEST, int(caps.max()))
    found: list[tuple] = []
    listed = 0
    size = 1
    while len(members):
        last = members[:, -1]
        spread = count - 1 - last  # later carts each state may take
        total = int(spread.sum())
        if total == 0:
            break
        if limit is not None and total > STATES_PER_GROUP * limit:
            raise TooManyGroups  # a level this wide lists far past the limit
        state = np.repeat(np.arange(len(members)), spread)
        offsets = np.repeat(np.cumsum(spread) - spread, spread)
        nxt = last[state] + 1 + (np.arange(total) - offsets)
        new_amount = amount[state] + amounts[nxt]
        new_low = np.maximum(low[state], starts[nxt])
        new_high = np.minimum(high[state], ends[nxt])
        ok = (new_amount <= top_limit) & (new_low <= new_high) & (caps[nxt] > size)
        state, nxt = state[ok], nxt[ok]
        new_amount, new_low, new_high = new_amount[ok], new_low[ok], new_high[ok]
        new_solo = solo[state] + solos[nxt]
        new_cap = np.minimum(cap[state], caps[nxt])
        new_members = np.concatenate((members[state], nxt[:, None]), axis=1)
        size += 1
        # Emit the minimal groups: a tier reached that the group without its
        # smallest cart did not reach, a gain over shopping alone.
        tier = np.searchsorted(thresholds, new_amount, side="right") - 1
        reached = tier >= 0
        threshold = np.where(reached, thresholds[np.maximum(tier, 0)], 0)
        off = np.where(reached, offs[np.maximum(tier, 0)], 0)
        emit = reached & (off > new_solo) & (new_amount - amounts[nxt] < threshold)
        if max_overspend is not None:
            emit &= new_amount <= threshold * (1 + slack)
        rows = np.flatnonzero(emit)
        listed += len(rows)
        if limit is not None and listed > limit:
            raise TooManyGroups
        if len(rows):
            padded = np.full((len(rows), width), -1, dtype=np.int64)
            padded[:, :size] = new_members[rows]
            found.append(
                (
                    padded,
                    new_amount[rows],
                    threshold[rows],
                    off[rows],
                    off[rows] - new_solo[rows],
                )
            )
        if deadline is not None and clock.now() > deadline:
            raise TooManyGroups
        # Keep growing what is below the top tier and its cap and can still
        # reach the lowest tier with the largest carts left.
        room = new_cap - size
        reach = prefix[np.minimum(count, nxt + 1 + room)] - prefix[nxt + 1]
        grow = (new_amount < top) & (room > 0) & (new_amount + reach >= lowest)
        members = new_members[grow]
        amount, solo, cap = new_amount[grow], new_solo[grow], new_cap[grow]
        low, high = new_low[grow], new_high[grow]
    if not found:
        return Listing(
            keys, np.zeros((0, width), dtype=np.int64), empty, empty, empty, empty
        )
    columns = [np.concatenate(column) for column in zip(*found, strict=True)]
    return Listing(keys, *columns)
