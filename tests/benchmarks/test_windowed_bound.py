"""The pooling benchmark's window-respecting bound: it must bound every matching
(a bound below the optimum would overstate the engine) and must see windows."""

import random

import pytest

from benchmarks.support.pooling_bounds import class_lp_bound, config_lp_bound
from benchmarks.support.windowed_bound import windowed_class_lp_bound
from groupbuy.pooling.matching import Cart, solve_exact

TIERS = ((20_000, 2_000), (30_000, 5_000), (50_000, 10_000))


def _carts(rng: random.Random, count: int) -> list[Cart]:
    carts = []
    for index in range(count):
        start = rng.uniform(0, 6 * 3600)
        carts.append(
            Cart(
                key=str(index),
                amount_fen=rng.choice(
                    (rng.randint(40, 260) * 100 + rng.choice((0, 90)), 14_900, 9_900)
                ),
                max_group_size=rng.choice((2, 3, 4, 6)),
                window_start=start,
                window_end=start + rng.uniform(1_800, 4 * 3600),
            )
        )
    return carts


def test_two_carts_whose_windows_never_meet_cannot_pair():
    # given two ¥150 carts, one in the morning and one in the evening: pooled
    # they would reach 300 − 50, but no group can hold both
    morning = Cart("m", 15_000, 2, window_start=0, window_end=3_600)
    evening = Cart("e", 15_000, 2, window_start=36_000, window_end=39_600)
    # then the windowless class LP counts the pair, this bound does not
    assert class_lp_bound(TIERS, [morning, evening]) == pytest.approx(5_000)
    assert windowed_class_lp_bound(TIERS, [morning, evening]).value == pytest.approx(0)
    # and one cart is never paired with itself: alone, it bounds nothing
    assert windowed_class_lp_bound(TIERS, [morning]).value == pytest.approx(0)


@pytest.mark.parametrize("seed", range(5))
def test_it_bounds_the_exact_optimum_and_the_configuration_lp(seed):
    rng = random.Random(seed)
    carts = _carts(rng, rng.randint(8, 16))
    solution = windowed_class_lp_bound(TIERS, carts)
    assert solution.converged
    # every matching, and the LP over every minimal group, lie below it
    assert solution.value >= config_lp_bound(TIERS, carts) - 1e-6
    assert solution.value >= solve_exact(TIERS, carts).gain_fen - 1e-6
    # and it is never looser than the bound that ignores windows
    assert solution.value <= class_lp_bound(TIERS, carts) + 1e-6


def test_on_a_larger_part_it_stays_above_the_configuration_lp():
    carts = _carts(random.Random(11), 90)
    assert (
        windowed_class_lp_bound(TIERS, carts).value
        >= config_lp_bound(TIERS, carts) - 1e-6
    )
