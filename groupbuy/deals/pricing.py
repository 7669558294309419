"""Tier arithmetic: which price a number of participants reaches.

Tiers are (min_participants, price_fen) pairs, or DealTier rows, sorted by
``min_participants``; prices fall as thresholds rise, so the first tier is both
the minimum for success and the highest price anyone pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _threshold(tier: Any) -> int:
    return tier.min_participants if hasattr(tier, "min_participants") else tier[0]


def _price(tier: Any) -> int:
    return tier.price_fen if hasattr(tier, "price_fen") else tier[1]


def tier_reached(tiers: Sequence, participants: int):
    """Return the cheapest tier ``participants`` reach, or None below the first."""
    reached = None
    for tier in sorted(tiers, key=_threshold):
        if participants >= _threshold(tier):
            reached = tier
    return reached


def next_tier(tiers: Sequence, participants: int):
    """Return the next tier above ``participants``, or None at the top."""
    for tier in sorted(tiers, key=_threshold):
        if _threshold(tier) > participants:
            return tier
    return None


def highest_price_fen(tiers: Sequence) -> int:
    """Return what a unit costs at most: the price paid up front when joining."""
    return max(_price(tier) for tier in tiers)


def lowest_price_fen(tiers: Sequence) -> int:
    return min(_price(tier) for tier in tiers)


def minimum_participants(tiers: Sequence) -> int:
    return min(_threshold(tier) for tier in tiers)
