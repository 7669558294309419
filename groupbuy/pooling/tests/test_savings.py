"""The saving function: hand-checked examples and properties for any basket."""

from hypothesis import given
from hypothesis import strategies as st

from groupbuy.pooling.savings import (
    N_FOR_M,
    SECOND_ITEM,
    THRESHOLD,
    Line,
    Rules,
    basket_saving,
    eligible_fen,
    rules_problems,
    shares,
)

TIERED = Rules(kind=THRESHOLD, tiers=((20_000, 2_000), (30_000, 5_000)))


def test_threshold_takes_the_best_tier_reached_without_stacking():
    assert basket_saving(TIERED, [Line(None, 19_999)]) == 0
    assert basket_saving(TIERED, [Line(None, 20_000)]) == 2_000
    assert basket_saving(TIERED, [Line(None, 60_000)]) == 5_000


def test_only_listed_products_count():
    rules = Rules(kind=THRESHOLD, tiers=((200, 50),), product_ids=frozenset({"a"}))
    basket = [Line("a", 100, 1), Line("b", 500, 1), Line(None, 900)]
    assert eligible_fen(rules, basket) == 100
    assert basket_saving(rules, basket) == 0
    assert basket_saving(rules, [*basket, Line("a", 100)]) == 50


def test_buy_three_pay_two_frees_the_cheapest_of_each_three():
    rules = Rules(kind=N_FOR_M, buy_n=3, pay_m=2)
    basket = [Line("a", 500, 2), Line("b", 300, 1), Line("c", 100, 2)]
    # 500 500 300 | 100 100: one full three, its cheapest (300) free
    assert basket_saving(rules, basket) == 300


def test_second_item_discount_applies_per_product_pair():
    rules = Rules(kind=SECOND_ITEM, second_item_percent=50)
    assert basket_saving(rules, [Line("a", 1_000, 3), Line("b", 999, 1)]) == 500
    assert basket_saving(rules, [Line("a", 999, 2)]) == 499  # rounded down


def test_invalid_rules_are_named():
    assert rules_problems(Rules(kind=THRESHOLD, tiers=((300, 50), (200, 60)))) == [
        "tiers_not_increasing"
    ]
    assert rules_problems(Rules(kind=THRESHOLD, tiers=((200, 20), (300, 10)))) == [
        "tiers_not_increasing"
    ]
    assert rules_problems(Rules(kind=N_FOR_M, buy_n=2, pay_m=2)) == [
        "n_for_m_out_of_range"
    ]
    assert not rules_problems(TIERED)


lines = st.lists(
    st.builds(
        Line,
        st.one_of(st.none(), st.sampled_from(["a", "b", "c"])),
        st.integers(0, 50_000),
        st.integers(1, 5),
    ),
    max_size=8,
)


@st.composite
def any_rules(draw):
    kind = draw(st.sampled_from([THRESHOLD, N_FOR_M, SECOND_ITEM]))
    products = draw(st.one_of(st.none(), st.frozensets(st.sampled_from("abc"))))
    thresholds = sorted(
        draw(st.sets(st.integers(100, 100_000), min_size=1, max_size=4))
    )
    tiers = tuple((t, max(1, t * (i + 1) // 20)) for i, t in enumerate(thresholds))
    m = draw(st.integers(1, 4))
    return Rules(
        kind=kind,
        tiers=tiers,
        buy_n=m + draw(st.integers(1, 3)),
        pay_m=m,
        second_item_percent=draw(st.integers(0, 99)),
        product_ids=products,
    )


@given(any_rules(), lines)
def test_saving_is_between_zero_and_what_counts(rules, basket):
    assert 0 <= basket_saving(rules, basket) <= eligible_fen(rules, basket)


@given(any_rules(), lines)
def test_order_of_lines_does_not_matter(rules, basket):
    assert basket_saving(rules, basket) == basket_saving(rules, basket[::-1])


@given(any_rules(), lines, st.integers(0, 50_000))
def test_items_that_do_not_count_change_nothing(rules, basket, price):
    if rules.product_ids is None:
        return
    extra = Line("zzz-not-listed", price, 2)
    assert basket_saving(rules, [*basket, extra]) == basket_saving(rules, basket)


@given(any_rules(), lines, lines)
def test_adding_to_a_threshold_basket_never_lowers_the_saving(rules, first, more):
    if rules.kind != THRESHOLD:
        return
    assert basket_saving(rules, first + more) >= basket_saving(rules, first)


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_shares_add_up_exactly_and_follow_the_weights(total, weights):
    parts = shares(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / sum(weights)) < 1
