"""The matching engine: pure Python over plain data, no Django.

Carts of one component (same branch and promotion) are grouped so that each
group's combined amount reaches a tier of the promotion. The objective, in this
order: most total extra saving (the pool's saving minus what its members would
save alone), then least overspend (group amount above the tier reached).

- ``exact``: every *minimal* feasible group is enumerated (``listing`` does it
  with numpy past 24 carts) and CP-SAT picks a best set packing; exact for the
  small components it is used on.
- ``lp``: the set-packing LP over a chunk's minimal groups (GLOP), rounded.
- ``classes``: the configuration LP over amount classes, column generation with
  DP pricing; the benchmark's upper bound for parts too large to list (see
  docs/pooling.md for why the engine does not use it).
- ``greedy``: the baseline, largest cart plus smallest fill.
- ``items``: promotions priced on items (buy n pay m, second item), whose
  groups are valued by the saving function on the members' combined items.
- ``engine``: ``match`` uses the exact solver for small components and, for
  larger ones, a best-fit construction improved by local search that frees a few
  groups and re-solves them exactly, all within one time budget.
"""

import importlib

from groupbuy.pooling.matching.types import Cart, Group, Matching, Tiers

# The solvers load on first use: OR-Tools (and pandas, which it imports) add
# ~0.7 s to the start of every process, the web server's and each command's,
# though most never match a pool.
_LAZY = {
    "match": "engine",
    "match_many": "engine",
    "solve_exact": "exact",
    "solve_greedy": "greedy",
}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Cart",
    "Group",
    "Matching",
    "Tiers",
    "match",
    "match_many",
    "solve_exact",
    "solve_greedy",
]
