"""Pooling for promotions priced on items (buy n pay m, second item): hand-made
instances with known answers, and the exact optimum found by brute force."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupbuy.pooling.matching.items import (
    ItemCart,
    chunk_size,
    make_item_group,
    match_items,
)
from groupbuy.pooling.savings import Line, Rules

BUY_3_PAY_2 = Rules(kind="n_for_m", buy_n=3, pay_m=2)
SECOND_HALF = Rules(kind="second_item", second_item_percent=50)


def cart(key, *lines, size=6, window=(0.0, 10.0)):
    return ItemCart(
        key=str(key),
        lines=tuple(Line(*line) for line in lines),
        max_group_size=size,
        window_start=window[0],
        window_end=window[1],
    )


def groups_of(matching):
    return sorted(sorted(int(key) for key in group.keys) for group in matching.groups)


def test_three_shoppers_each_buying_one_get_the_third_free():
    carts = [
        cart(i, ("shampoo", price)) for i, price in enumerate((3_900, 3_500, 2_900))
    ]
    matching = match_items(BUY_3_PAY_2, carts)
    assert groups_of(matching) == [[0, 1, 2]]
    # the cheapest of the three is free
    assert matching.gain_fen == 2_900


def test_a_shopper_who_adds_nothing_is_not_pooled():
    # a fourth unit would only help with two more (a set of 3 is complete)
    carts = [cart(i, ("shampoo", 3_000)) for i in range(4)]
    matching = match_items(BUY_3_PAY_2, carts)
    assert [len(group.keys) for group in matching.groups] == [3]
    assert matching.gain_fen == 3_000


def test_only_the_products_the_promotion_counts_pool():
    rules = Rules(kind="n_for_m", buy_n=2, pay_m=1, product_ids=frozenset({"tea"}))
    carts = [
        cart(0, ("tea", 5_000)),
        cart(1, ("coffee", 5_000)),
        cart(2, ("tea", 4_000)),
    ]
    assert groups_of(match_items(rules, carts)) == [[0, 2]]


def test_second_item_pools_the_same_product_only():
    carts = [
        cart(0, ("oil", 6_000)),
        cart(1, ("rice", 6_000)),
        cart(2, ("oil", 6_000)),
    ]
    matching = match_items(SECOND_HALF, carts)
    assert groups_of(matching) == [[0, 2]]
    assert matching.gain_fen == 3_000


def test_windows_and_caps_are_respected():
    carts = [
        cart(0, ("shampoo", 3_000), window=(0, 1)),
        cart(1, ("shampoo", 3_000), window=(2, 3)),
        cart(2, ("shampoo", 3_000), window=(0, 3)),
    ]
    # no moment when all three shop
    assert match_items(BUY_3_PAY_2, carts).groups == []
    capped = [cart(i, ("shampoo", 3_000), size=2 if i == 0 else 6) for i in range(3)]
    assert make_item_group(BUY_3_PAY_2, capped) is None
    assert groups_of(match_items(BUY_3_PAY_2, capped)) == []


def test_mixing_carts_reprices_the_sets():
    # buy 2 pay 1: alone, [100, 10] saves 10; with a 50 the sets become
    # (100, 50) and (10): the pool saves 50, 40 more than alone
    rules = Rules(kind="n_for_m", buy_n=2, pay_m=1)
    carts = [cart(0, ("a", 100), ("b", 10)), cart(1, ("c", 50))]
    matching = match_items(rules, carts)
    assert groups_of(matching) == [[0, 1]]
    assert (matching.groups[0].saving_fen, matching.gain_fen) == (50, 40)


def test_a_large_component_is_matched_in_chunks():
    # 90 shoppers, one bottle each, in three shifts that never meet
    carts = [
        cart(i, ("shampoo", 3_000), size=3, window=(10.0 * (i % 3), 10.0 * (i % 3) + 5))
        for i in range(90)
    ]
    assert chunk_size(3) < 90
    # however little time there is: a spent budget still packs every chunk
    for budget_s in (5, 0.0):
        matching = match_items(BUY_3_PAY_2, carts, budget_s=budget_s)
        assert len(matching.groups) == 30
        assert matching.gain_fen == 30 * 3_000
        for group in matching.groups:
            assert len({int(key) % 3 for key in group.keys}) == 1  # one shift each


def _best_partition(rules, carts) -> int:
    """The most gain any partition of ``carts`` into groups earns (brute force)."""
    if len(carts) < 2:
        return 0
    first, rest = carts[0], carts[1:]
    best = _best_partition(rules, rest)  # the first shops alone
    for mask in range(1, 1 << len(rest)):
        members = [c for bit, c in enumerate(rest) if mask >> bit & 1]
        group = make_item_group(rules, [first, *members])
        if group is not None:
            others = [c for bit, c in enumerate(rest) if not mask >> bit & 1]
            best = max(best, group.gain_fen + _best_partition(rules, others))
    return best


RULES = st.one_of(
    st.tuples(st.integers(2, 4), st.integers(1, 3))
    .filter(lambda nm: nm[1] < nm[0])
    .map(lambda nm: Rules(kind="n_for_m", buy_n=nm[0], pay_m=nm[1])),
    st.sampled_from([0, 50, 80]).map(
        lambda p: Rules(kind="second_item", second_item_percent=p)
    ),
)
LINES = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.sampled_from([500, 990, 1_500, 2_000]),
        st.integers(1, 2),
    ),
    min_size=1,
    max_size=2,
)
CARTS = st.lists(
    st.tuples(LINES, st.integers(2, 4), st.sampled_from([(0, 5), (3, 8), (6, 9)])),
    min_size=2,
    max_size=7,
)


@settings(max_examples=60, deadline=None)
@given(rules=RULES, specs=CARTS)
def test_the_matching_is_optimal_on_small_components(rules, specs):
    carts = [
        cart(index, *lines, size=size, window=window)
        for index, (lines, size, window) in enumerate(specs)
    ]
    matching = match_items(rules, carts, budget_s=5)
    # every group is feasible and gains what it says; no cart is in two
    by_key = {c.key: c for c in carts}
    keys = [key for group in matching.groups for key in group.keys]
    assert len(keys) == len(set(keys))
    for group in matching.groups:
        again = make_item_group(rules, [by_key[key] for key in group.keys])
        assert again is not None and again.gain_fen == group.gain_fen
    assert matching.gain_fen == _best_partition(rules, carts)


@pytest.mark.parametrize("cap", [2, 3, 6])
def test_a_chunk_lists_at_most_the_set_budget(cap):
    from math import comb

    from groupbuy.pooling.matching.items import CHUNK_SETS

    size = chunk_size(cap)
    assert sum(comb(size, k) for k in range(2, cap + 1)) <= CHUNK_SETS
    assert sum(comb(size + 1, k) for k in range(2, cap + 1)) > CHUNK_SETS
