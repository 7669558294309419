"""The numpy listing of minimal groups against the recursive one, and the
configuration LP over amount classes on hand-made instances."""

import random

import pytest

from groupbuy.pooling.matching import Cart, clock
from groupbuy.pooling.matching import classes as amount_classes
from groupbuy.pooling.matching.exact import RECURSIVE_LIMIT, candidate_groups
from groupbuy.pooling.matching.listing import TooManyGroups, list_arrays, list_groups
from groupbuy.pooling.matching.lp import as_listing, lp_pack, lp_round
from groupbuy.pooling.matching.types import make_group

TIERS = ((20_000, 2_000), (30_000, 5_000), (50_000, 10_000))


def _random_carts(rng, count):
    result = []
    for index in range(count):
        start = rng.uniform(0, 20_000)
        result.append(
            Cart(
                key=str(index),
                amount_fen=rng.choice((rng.randint(30, 260) * 100, 9_900, 14_900)),
                max_group_size=rng.choice((2, 3, 4, 6)),
                window_start=start,
                window_end=start + rng.uniform(1_800, 14_400),
            )
        )
    return result


def _signature(groups):
    return sorted(
        (tuple(sorted(g.keys)), g.amount_fen, g.threshold_fen, g.gain_fen)
        for g in groups
    )


@pytest.mark.parametrize("seed", range(12))
def test_numpy_listing_lists_the_same_groups_as_the_recursion(seed):
    rng = random.Random(seed)
    carts = _random_carts(rng, rng.randint(2, RECURSIVE_LIMIT))
    for slack in (None, 0.15):
        recursive = candidate_groups(TIERS, carts, max_overspend=slack)
        listed = list_groups(TIERS, carts, max_overspend=slack)
        assert _signature(listed) == _signature(recursive)


@pytest.mark.parametrize("seed", range(4))
def test_the_lp_reads_listed_arrays_as_it_reads_groups(seed):
    # The engine hands the LP a Listing; tests and callers may hand it Groups.
    # Either way the groups kept are disjoint and feasible (the LP's optimum
    # may be a different vertex when rows come in another order, so the two
    # answers need not be the same groups).
    rng = random.Random(seed)
    carts = _random_carts(rng, 40)
    by_key = {cart.key: cart for cart in carts}
    listing = list_arrays(TIERS, carts, max_overspend=0.15)
    groups = list_groups(TIERS, carts, max_overspend=0.15)
    assert _signature(listing.groups(range(len(listing)))) == _signature(groups)
    assert _signature(as_listing(groups).groups(range(len(groups)))) == _signature(
        groups
    )
    for solve in (lp_round, lp_pack):
        from_arrays = solve(listing, clock.now() + 5)
        from_groups = solve(groups, clock.now() + 5)
        for answer in (from_arrays, from_groups):
            assert answer
            keys = [key for group in answer for key in group.keys]
            assert len(keys) == len(set(keys))
            for group in answer:
                made = make_group(TIERS, [by_key[key] for key in group.keys])
                assert made is not None and made.gain_fen == group.gain_fen


def test_numpy_listing_gives_up_past_the_limit():
    carts = [Cart(str(i), 10_000 + i * 100, 6) for i in range(40)]
    with pytest.raises(TooManyGroups):
        list_groups(TIERS, carts, limit=50)


def test_class_lp_finds_the_integral_optimum():
    # given four 150s and four 100s (cap 2): the LP over classes pairs 150 +
    # 150 (300 − 50) twice and 100 + 100 (200 − 20) twice, an integral optimum
    carts = [Cart(f"a{i}", 15_000, 2) for i in range(4)]
    carts += [Cart(f"b{i}", 10_000, 2) for i in range(4)]
    built = amount_classes.classes_of(TIERS, carts, round_up=False)
    solution = amount_classes.solve(TIERS, built)
    assert solution.converged
    assert solution.value == pytest.approx(2 * 5_000 + 2 * 2_000)
    groups = [
        make_group(TIERS, members)
        for members in amount_classes.round_down(built, solution)
    ]
    assert sum(group.gain_fen for group in groups) == 14_000


def test_class_lp_rounded_up_bounds_the_exact_optimum():
    rng = random.Random(5)
    carts = [
        Cart(
            str(i),
            rng.randint(50, 250) * 100 + rng.choice((0, 90)),
            rng.choice((2, 3, 4, 6)),
        )
        for i in range(14)
    ]
    exact = amount_classes.solve(
        TIERS, amount_classes.classes_of(TIERS, carts, round_up=True)
    ).value
    from groupbuy.pooling.matching import solve_exact

    assert exact >= solve_exact(TIERS, carts).gain_fen - 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_class_lp_rounding_never_makes_an_infeasible_group(seed):
    rng = random.Random(seed)
    carts = [
        Cart(
            str(i),
            rng.randint(40, 280) * 100 + rng.choice((0, 90)),
            rng.choice((2, 3, 4, 6)),
        )
        for i in range(rng.randint(10, 60))
    ]
    built = amount_classes.classes_of(TIERS, carts, round_up=False)
    solution = amount_classes.solve(TIERS, built)
    used = set()
    for members in amount_classes.round_down(built, solution):
        group = make_group(TIERS, members)
        assert group is not None  # reaches a tier, within every cap, gains
        assert used.isdisjoint(group.keys)
        used.update(group.keys)


def test_clique_chunks_share_a_moment():
    carts = _random_carts(random.Random(9), 80)
    chunks = amount_classes.clique_chunks(carts)
    assert sum(len(chunk) for chunk in chunks) == 80
    for chunk in chunks:
        assert max(c.window_start for c in chunk) <= min(c.window_end for c in chunk)
