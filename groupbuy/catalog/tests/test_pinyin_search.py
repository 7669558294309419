"""A shopper types a Chinese name as they type it: pinyin or its initials."""

import importlib

import pytest
from django.apps import apps

from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.catalog.selectors import (
    branches_nearest,
    merchant_products,
    merchants_active,
    products_matching,
)
from groupbuy.catalog.services import branch_update, product_update
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant,
    make_operator,
    make_product,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "groupbuy.catalog.migrations.0011_product_pinyin_search_keys"
)


def _found(query: str) -> list[str]:
    return [product.name_zh for product in products_matching(query=query)]


@pytest.fixture
def shelf():
    make_product(name_zh="香蕉", name_en="Bananas")
    make_product(name_zh="特仑苏纯牛奶", name_en="Deluxe whole milk", brand="蒙牛")
    make_product(name_zh="银行卡套", name_en="")
    make_product(name_zh="面包", name_en="Bread")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("xiangjiao", ["香蕉"]),
        ("XiangJiao", ["香蕉"]),
        ("xiang jiao", ["香蕉"]),
        ("xj", ["香蕉"]),
        ("niunai", ["特仑苏纯牛奶"]),
        ("niuna", ["特仑苏纯牛奶"]),  # still typing
        ("niu奶", ["特仑苏纯牛奶"]),
        ("nn", ["特仑苏纯牛奶"]),
        ("mengniu", ["特仑苏纯牛奶"]),  # the brand
        ("telunsu", ["特仑苏纯牛奶"]),
        ("yinhang", ["银行卡套"]),  # 行 as in 银行, not as in 行走
        ("yh", ["银行卡套"]),
        ("yin行", ["银行卡套"]),  # a Han character typed among letters: any reading
        ("banana", ["香蕉"]),  # English names are found as before
    ],
)
def test_names_are_found_by_pinyin_and_initials(shelf, query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize("query", ["yinxing", "yx", "ao", "iangjiao"])
def test_what_is_not_the_pinyin_of_a_name_finds_nothing(shelf, query):
    # 银行 is not read yinxing; "ao" and "iangjiao" start inside a syllable
    # (mian bao, xiang jiao)
    assert _found(query) == []


@pytest.mark.parametrize("query", ["x", "n", "y"])
def test_one_letter_is_not_read_as_pinyin_or_initials(query):
    # given Chinese names with a syllable starting with each letter
    make_product(name_zh="香蕉", name_en="")
    make_product(name_zh="牛奶", name_en="")
    make_product(name_zh="银行卡套", name_en="")
    # then one letter, which would match nearly every name, finds none of them
    assert _found(query) == []


def test_a_name_as_written_comes_before_pinyin_before_initials():
    # given three products the query "nana" finds three ways (their names sort
    # the other way round)
    make_product(name_zh="香蕉片", name_en="Banana chips")  # written
    make_product(name_zh="娜娜蛋糕", name_en="")  # pinyin: na na
    make_product(name_zh="你爱你啊", name_en="")  # initials: n a n a
    # when
    found = _found("nana")
    # then
    assert found == ["香蕉片", "娜娜蛋糕", "你爱你啊"]


def test_a_renamed_product_is_found_by_its_new_pinyin_only():
    # given
    product = make_product(name_zh="苹果", name_en="")
    # when
    product_update(actor=make_operator(), product=product, name_zh="梨")
    # then
    assert _found("li") == ["梨"]
    assert _found("pingguo") == []


def test_a_save_naming_its_fields_keeps_the_keys_up_to_date():
    product = make_product(name_zh="苹果", name_en="")
    product.brand = "红富士"
    product.save(update_fields=["brand"])
    assert _found("hongfushi") == ["苹果"]


def test_a_merchants_own_products_are_found_by_pinyin():
    merchant = make_merchant()
    make_product(name_zh="自制酸奶", name_en="", added_by_merchant=merchant)
    make_product(name_zh="酸奶", name_en="")  # not the merchant's
    found = merchant_products(merchant=merchant, query="suannai")
    assert [product.name_zh for product in found] == ["自制酸奶"]


def test_upgrading_gives_existing_products_their_keys():
    # given products saved before the keys existed
    make_product(name_zh="長城葡萄酒", name_en="")
    Product.objects.update(search_pinyin="", search_initials="")
    assert _found("changcheng") == []
    # when
    migration.fill_search_keys(apps, None)
    # then (Traditional characters read as Simplified: 长城, not zhang cheng)
    assert _found("changcheng") == ["長城葡萄酒"]
    assert _found("ccptj") == ["長城葡萄酒"]


@pytest.mark.parametrize("query", ["niunai", "nn"])
def test_a_name_the_pinyin_starts_comes_before_one_it_is_inside(query):
    # given (by name, 买牛奶 would come first)
    make_product(name_zh="买牛奶", name_en="")
    make_product(name_zh="牛奶糖", name_en="")
    # then
    assert _found(query) == ["牛奶糖", "买牛奶"]


@pytest.mark.parametrize("query", ["xianguopu", "xgp", "guopu"])
def test_shops_are_found_by_the_pinyin_of_their_name(client, query):
    # given
    shop = make_merchant(name="鲜果铺", name_en="")
    make_merchant(name="面包房", name_en="")
    # when
    found = client.get("/api/catalog/merchants", {"q": query}).json()["items"]
    # then
    assert [merchant["id"] for merchant in found] == [shop.public_id]


def test_upgrading_gives_existing_shops_their_keys():
    # given a shop saved before the keys existed
    make_merchant(name="鲜果铺", name_en="")
    Merchant.objects.update(search_pinyin="", search_initials="")
    assert list(merchants_active(query="xianguopu")) == []
    # when
    importlib.import_module(
        "groupbuy.catalog.migrations.0012_merchant_pinyin_search_keys"
    ).fill_search_keys(apps, None)
    # then
    assert [shop.name for shop in merchants_active(query="xianguopu")] == ["鲜果铺"]


@pytest.mark.parametrize("query", ["dongmen", "dmd", "dongm", "East"])
def test_nearest_branches_are_found_by_the_pinyin_of_their_name(client, query):
    # given two branches of a shop
    shop = make_merchant(name="鲜果铺", name_en="")
    east = make_branch(merchant=shop, name="东门店", name_en="East Gate")
    make_branch(merchant=shop, name="西门店", name_en="West Gate")
    # when
    found = client.get(
        "/api/catalog/branches/nearest",
        {"latitude": 31.23, "longitude": 121.47, "q": query},
    ).json()
    # then
    assert [branch["id"] for branch in found] == [east.public_id]


def test_a_renamed_branch_is_found_by_its_new_pinyin_only():
    # given
    branch = make_branch(name="东门店")
    # when
    branch_update(actor=make_operator(), branch=branch, name="南门店")
    # then
    found = branches_nearest(latitude=31.23, longitude=121.47, query="nanmen")
    assert [item.branch for item in found] == [branch]
    assert branches_nearest(latitude=31.23, longitude=121.47, query="dongmen") == []


def test_upgrading_gives_existing_branches_their_keys():
    # given a branch saved before the keys existed
    branch = make_branch(name="东门店")
    Branch.objects.update(search_pinyin="", search_initials="")
    assert branches_nearest(latitude=31.23, longitude=121.47, query="dongmen") == []
    # when
    importlib.import_module(
        "groupbuy.catalog.migrations.0014_branch_pinyin_search_keys"
    ).fill_search_keys(apps, None)
    # then
    found = branches_nearest(latitude=31.23, longitude=121.47, query="dongmen")
    assert [item.branch for item in found] == [branch]
