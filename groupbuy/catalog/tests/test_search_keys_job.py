"""Rows the release before wrote without pinyin keys get them from a job.

During a rolling deploy the previous release inserts products, shops and
branches without naming the key columns (their ``db_default`` is ""), so
nobody finds them by pinyin until they are saved again; the job fills them.
"""

import pytest

from groupbuy.catalog import tasks
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.catalog.search_keys import fill_missing_keys
from groupbuy.catalog.selectors import (
    branches_nearest,
    merchants_active,
    products_matching,
)
from groupbuy.catalog.tests.factories import make_branch, make_merchant, make_product

pytestmark = pytest.mark.django_db


def _as_the_release_before_wrote_them(model) -> None:
    model.objects.update(search_pinyin="", search_initials="")


def _products(query: str) -> list[str]:
    return [product.name_zh for product in products_matching(query=query)]


def test_the_job_gives_rows_written_without_keys_their_keys():
    # given a product, a shop and a branch the release before wrote
    make_product(name_zh="香蕉", name_en="Bananas", brand="蒙牛")
    shop = make_merchant(name="鲜果铺")
    make_branch(merchant=shop, name="东门店")
    for model in (Product, Merchant, Branch):
        _as_the_release_before_wrote_them(model)
    assert _products("xiangjiao") == []
    # when the periodic job runs
    filled = tasks.search_keys_fill.call_local()
    # then each is found by pinyin and initials again
    assert filled == 3
    assert _products("xiangjiao") == ["香蕉"]
    assert _products("mengniu") == ["香蕉"]
    assert [m.name for m in merchants_active(query="xgp")] == ["鲜果铺"]
    found = branches_nearest(latitude=31.23, longitude=121.47, query="dongmen")
    assert [item.branch.name for item in found] == ["东门店"]


def test_running_the_job_again_changes_nothing():
    # given
    make_product(name_zh="香蕉", name_en="Bananas")
    _as_the_release_before_wrote_them(Product)
    tasks.search_keys_fill.call_local()
    keys = list(Product.objects.values_list("search_pinyin", "search_initials"))
    # when
    filled = tasks.search_keys_fill.call_local()
    # then
    assert filled == 0
    assert list(Product.objects.values_list("search_pinyin", "search_initials")) == (
        keys
    )
    assert keys == [(" xiang jiao", "xj")]


def test_names_without_chinese_are_not_read_again_and_again():
    # given products whose keys are rightly empty (nothing to read as pinyin)
    make_product(name_zh="Coca-Cola 330ml", name_en="Coca-Cola", brand="")
    # when / then the job finds nothing to do
    assert tasks.search_keys_fill.call_local() == 0


def test_the_job_works_in_batches_and_stops_after_a_few():
    # given five products without keys
    for name in ("苹果", "香蕉", "牛奶", "面包", "鸡蛋"):
        make_product(name_zh=name, name_en="")
    _as_the_release_before_wrote_them(Product)
    sources = ("name_zh", "brand")
    # when a run may do two batches of two
    first = fill_missing_keys(Product, sources=sources, batch_size=2, max_batches=2)
    # then four got their keys, and the next run gives the fifth its keys
    assert first == 4
    assert Product.objects.filter(search_pinyin="").count() == 1
    second = fill_missing_keys(Product, sources=sources, batch_size=2, max_batches=2)
    assert second == 1
    assert _products("jidan") == ["鸡蛋"]


def test_a_row_renamed_since_it_was_read_keeps_the_keys_its_save_wrote():
    # given a product read by the job while it had no keys
    product = make_product(name_zh="苹果", name_en="")
    _as_the_release_before_wrote_them(Product)
    read = list(Product.objects.values("pk", "name_zh", "brand"))
    # when it is renamed (its save writes its keys) before the job writes
    product.name_zh = "梨"
    product.save(update_fields=["name_zh"])
    # then the job's write of what it read changes nothing
    from groupbuy.catalog.search_keys import _write_keys

    assert _write_keys(Product, read, sources=("name_zh", "brand")) == 0
    assert _products("li") == ["梨"]
    assert _products("pingguo") == []
