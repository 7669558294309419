import math

import pytest

from groupbuy.catalog import selectors
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.geo import EARTH_RADIUS_M, haversine_m
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_category,
    make_listing,
    make_merchant,
    make_merchant_member,
    make_operator,
    make_product,
)

pytestmark = pytest.mark.django_db

PEOPLES_SQUARE = (31.2304, 121.4737)


def test_haversine_of_one_degree_of_latitude():
    expected = EARTH_RADIUS_M * math.pi / 180
    assert haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(expected)
    assert haversine_m(31.0, 121.0, 31.0, 121.0) == 0


def test_haversine_shanghai_to_beijing_is_about_1070_km():
    distance = haversine_m(*PEOPLES_SQUARE, 39.9042, 116.4074)
    assert 1_060_000 < distance < 1_075_000


@pytest.fixture
def drinks():
    cola = make_product(
        gtin="6901939691601",
        name_zh="可口可乐汽水",
        name_en="Coca-Cola",
        brand="可口可乐",
        aliases=["快乐水"],
    )
    pepsi = make_product(
        gtin="6936571910018", name_zh="百事可乐", name_en="Pepsi", brand="百事"
    )
    tea = make_product(gtin="6944839902385", name_zh="康师傅冰红茶", brand="康师傅")
    return cola, pepsi, tea


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("可乐", ["可口可乐汽水", "百事可乐"]),
        ("pepsi", ["百事可乐"]),
        ("康师傅", ["康师傅冰红茶"]),
        ("快乐水", ["可口可乐汽水"]),
        ("6901939691601", ["可口可乐汽水"]),
        ("06901939691601", ["可口可乐汽水"]),
        ("百事 可乐", ["百事可乐"]),
        ("可乐 红茶", []),
        ("", ["可口可乐汽水", "康师傅冰红茶", "百事可乐"]),
    ],
)
def test_product_search(drinks, query, expected):
    found = selectors.products_matching(query=query)
    assert [product.name_zh for product in found] == expected


def test_search_puts_names_starting_with_the_query_first(drinks):
    make_product(name_zh="可乐鸡翅调料", name_en="")
    names = [p.name_zh for p in selectors.products_matching(query="可乐")]
    assert names == ["可乐鸡翅调料", "可口可乐汽水", "百事可乐"]


def test_search_leaves_out_inactive_products_and_pages(drinks):
    cola, _pepsi, _tea = drinks
    cola.is_active = False
    cola.save()
    result = selectors.product_search(query="", page=2, page_size=1)
    assert (result.total, result.page, result.pages) == (2, 2, 2)
    assert [p.name_zh for p in result.items] == ["百事可乐"]


def test_search_within_a_category_includes_subcategories():
    drinks = make_category()
    soda = make_category(parent=drinks)
    in_soda = make_product(category=soda)
    in_drinks = make_product(category=drinks)
    make_product(category=make_category())
    found = selectors.products_matching(category=drinks)
    assert {p.pk for p in found} == {in_soda.pk, in_drinks.pk}


def test_lookup_by_gtin_in_any_length():
    product = make_product(gtin="036000291452")
    assert selectors.product_get_by_gtin(code="0036000291452") == product
    assert selectors.product_get_by_gtin(code="00036000291452") == product
    assert selectors.product_find_by_gtin(code="036000291453") is None


def test_lookup_with_bad_check_digit_explains_it():
    with pytest.raises(CatalogError) as caught:
        selectors.product_get_by_gtin(code="036000291453")
    assert (caught.value.status, caught.value.code) == (400, "invalid_gtin")
    assert (
        caught.value.message == "“036000291453” has a wrong check digit (expected 2)."
    )


def test_lookup_of_unknown_gtin_is_404():
    with pytest.raises(CatalogError) as caught:
        selectors.product_get_by_gtin(code="96385074")
    assert caught.value.status == 404


def test_category_tree_nests_children_by_english_name():
    food = make_category(name_en="Food")
    drinks = make_category(name_en="Drinks", parent=food)
    snacks = make_category(name_en="Snacks", parent=food)
    household = make_category(name_en="Household")
    tree = selectors.category_tree()
    assert [node.category for node in tree] == [food, household]
    assert [node.category for node in tree[0].children] == [drinks, snacks]


def test_demand_threshold_falls_back_to_parent_then_setting(settings):
    settings.GROUPBUY_DEMAND_THRESHOLD = 7
    root = make_category()
    middle = make_category(parent=root, demand_threshold=3)
    leaf = make_category(parent=middle)
    assert selectors.category_demand_threshold(category=leaf) == 3
    assert selectors.category_demand_threshold(category=middle) == 3
    assert selectors.category_demand_threshold(category=root) == 7
    assert selectors.category_demand_threshold(category=None) == 7


def test_nearest_branches_are_sorted_by_distance():
    merchant = make_merchant()
    far = make_branch(merchant=merchant, latitude="31.300000", longitude="121.500000")
    near = make_branch(merchant=merchant, latitude="31.231000", longitude="121.474000")
    make_branch(merchant=merchant, latitude=None, longitude=None)
    make_branch(merchant=merchant, is_active=False)
    found = selectors.branches_nearest(
        latitude=PEOPLES_SQUARE[0], longitude=PEOPLES_SQUARE[1]
    )
    assert [item.branch for item in found] == [near, far]
    assert found[0].distance_m == pytest.approx(
        haversine_m(*PEOPLES_SQUARE, 31.231, 121.474)
    )
    within = selectors.branches_nearest(
        latitude=PEOPLES_SQUARE[0], longitude=PEOPLES_SQUARE[1], within_m=1000
    )
    assert [item.branch for item in within] == [near]


def test_merchant_distances_use_the_nearest_branch():
    near_merchant, far_merchant = make_merchant(), make_merchant()
    make_branch(merchant=near_merchant, latitude="31.231000", longitude="121.474000")
    make_branch(merchant=near_merchant, latitude="31.400000", longitude="121.474000")
    make_branch(merchant=far_merchant, latitude="31.300000", longitude="121.474000")
    distances = selectors.merchant_distances_m(
        latitude=PEOPLES_SQUARE[0], longitude=PEOPLES_SQUARE[1]
    )
    assert list(distances) == [near_merchant.pk, far_merchant.pk]
    assert distances[near_merchant.pk] < 100


def test_listing_of_another_merchant_looks_missing_to_staff():
    listing = make_listing()
    outsider = make_merchant_member()
    with pytest.raises(CatalogError) as caught:
        selectors.listing_get_for_staff(user=outsider.user, public_id=listing.public_id)
    assert caught.value.status == 404
    found = selectors.listing_get_for_staff(
        user=make_operator(), public_id=listing.public_id
    )
    assert found == listing


def test_merchant_listings_hide_inactive_unless_asked():
    merchant = make_merchant()
    active = make_listing(merchant=merchant)
    inactive = make_listing(merchant=merchant, is_active=False)
    assert list(selectors.merchant_listings(merchant=merchant)) == [active]
    assert set(
        selectors.merchant_listings(merchant=merchant, include_inactive=True)
    ) == {
        active,
        inactive,
    }


def test_name_entries_cover_names_and_aliases_of_active_products():
    product = make_product(name_zh="可乐", name_en="Cola", aliases=["快乐水"])
    make_product(is_active=False, aliases=["隐藏"])
    entries = selectors.product_name_entries()
    assert sorted(
        text for public_id, text in entries if public_id == product.public_id
    ) == [
        "Cola",
        "可乐",
        "快乐水",
    ]
    assert "隐藏" not in {text for _id, text in entries}


def test_a_page_of_the_catalog_reads_the_name_index_not_the_whole_table_sorted():
    from django.db import connection

    from groupbuy.catalog.selectors import products_matching

    if connection.vendor != "sqlite":
        pytest.skip("the plan's wording is SQLite's")
    # given the catalog's list of active products, by name
    page = products_matching()[:20]
    # when the database plans a page of it
    plan = page.explain()
    # then it walks the name index rather than sorting every product
    assert "catalog_product_name_zh" in plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan
