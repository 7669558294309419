from __future__ import annotations

from dataclasses import dataclass

Tiers = tuple[tuple[int, int], ...]  # (threshold_fen, off_fen), increasing


@dataclass(frozen=True)
class Cart:
    key: str
    amount_fen: int
    max_group_size: int = 6
    window_start: float = 0.0
    window_end: float = float("inf")


@dataclass(frozen=True)
class Group:
    keys: tuple[str, ...]
    amount_fen: int
    threshold_fen: int
    saving_fen: int  # the pool's saving (the tier's "off")
    gain_fen: int  # saving minus what members would save on their own

    @property
    def overspend_fen(self) -> int:
        return self.amount_fen - self.threshold_fen


@dataclass
class Matching:
    groups: list[Group]

    @property
    def gain_fen(self) -> int:
        return sum(group.gain_fen for group in self.groups)

    @property
    def overspend_fen(self) -> int:
        return sum(group.overspend_fen for group in self.groups)

    def keys(self) -> set[str]:
        return {key for group in self.groups for key in group.keys}


def tier_reached(tiers: Tiers, amount_fen: int) -> tuple[int, int]:
    """Return (threshold, off) of the highest tier reached, (0, 0) for none."""
    reached = (0, 0)
    for threshold, off in tiers:
        if amount_fen >= threshold:
            reached = (threshold, off)
    return reached


def solo_saving(tiers: Tiers, cart: Cart) -> int:
    return tier_reached(tiers, cart.amount_fen)[1]


def make_group(tiers: Tiers, carts: list[Cart]) -> Group | None:
    """Return the group of ``carts`` or None when it is not feasible or gains
    nothing over its members shopping alone."""
    if len(carts) < 2 or len(carts) > min(cart.max_group_size for cart in carts):
        return None
    if max(cart.window_start for cart in carts) > min(c.window_end for c in carts):
        return None
    amount = sum(cart.amount_fen for cart in carts)
    threshold, off = tier_reached(tiers, amount)
    gain = off - sum(solo_saving(tiers, cart) for cart in carts)
    if gain <= 0:
        return None
    return Group(
        keys=tuple(cart.key for cart in carts),
        amount_fen=amount,
        threshold_fen=threshold,
        saving_fen=off,
        gain_fen=gain,
    )


def best_rate_group(
    tiers: Tiers, anchor: Cart, carts: list[Cart], fill
) -> tuple[Group, list[int]] | None:
    """The group of ``anchor`` and the ``carts`` that ``fill(threshold)`` picks
    for one tier (their indexes, or None), over every tier, that saves the most
    per fen spent: (the group, the indexes), or None when no tier is reached."""
    best: tuple[float, Group, list[int]] | None = None
    for threshold, _off in tiers:
        picked = fill(threshold)
        if picked is None:
            continue
        group = make_group(tiers, [anchor, *(carts[i] for i in picked)])
        if group is None:
            continue
        rate = group.gain_fen / group.amount_fen
        if best is None or rate > best[0]:
            best = (rate, group, picked)
    return None if best is None else best[1:]
