"""Merchant search: jieba segmentation, full-text ranking, filters, saved searches."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.deals.tests.factories import make_category
from groupbuy.demands import search, selectors, services
from groupbuy.demands.models import Demand
from groupbuy.demands.selectors import SearchFilters
from groupbuy.demands.tests.factories import (
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.notify.models import Notification
from tests.support.module_rows import rows_for_the_module

pytestmark = pytest.mark.django_db

FIXED_SET = [
    ("milk_cn", "有机牛奶十箱", "新鲜有机牛奶，每箱十二盒，送到小区门口"),
    ("milk_plain", "牛奶", "普通纯牛奶"),
    ("milk_en", "Organic milk for the office", "Organic whole milk, 20 bottles"),
    ("rice_cn", "东北大米五袋", "五常大米，十公斤一袋"),
    ("cooker_en", "Rice cooker", "A 3 litre rice cooker"),
    ("tea_cn", "茉莉花茶", "福建茉莉花茶 Jasmine tea"),
]


def _fixed_set() -> dict[str, int]:
    return {
        key: make_published(title=title, description=description).pk
        for key, title, description in FIXED_SET
    }


@pytest.fixture(scope="class")
def fixed_set(django_db_setup, django_db_blocker):
    """The fixed set, published once for the tests of ``TestTheFixedSet``."""
    with rows_for_the_module(django_db_blocker, _fixed_set) as pks:
        yield pks


@pytest.fixture
def demands(fixed_set):
    """The fixed set as the test starts (one test may cancel a demand)."""
    return {key: Demand.objects.get(pk=pk) for key, pk in fixed_set.items()}


def _ranking(query, demands, **filters):
    by_pk = {d.pk: key for key, d in demands.items()}
    found = selectors.demand_search(query=query, filters=SearchFilters(**filters))
    return [by_pk[d.pk] for d in found]


def test_segmentation_splits_chinese_into_words():
    tokens = search.segment("有机牛奶十箱 Organic MILK")
    assert {"有机", "牛奶", "organic", "milk"} <= set(tokens)


def _assert_fixed_ranking(demands):
    assert _ranking("有机牛奶", demands) == ["milk_cn", "milk_plain"]
    assert _ranking("organic milk", demands) == ["milk_en"]
    assert _ranking("大米", demands) == ["rice_cn"]
    assert _ranking("rice", demands) == ["cooker_en"]
    assert _ranking("jasmine 茉莉花", demands) == ["tea_cn"]
    assert _ranking("咖啡", demands) == []


def test_filters_narrow_by_category_quantity_deadline_and_distance():
    drinks = make_category(slug="drinks")
    milk = make_published(
        title="牛奶",
        category=drinks,
        quantity_wanted=50,
        latitude=31.23,
        longitude=121.47,
    )
    far = make_published(
        title="牛奶 far", quantity_wanted=5, latitude=39.9, longitude=116.4
    )
    found = selectors.demand_search(
        query="牛奶", filters=SearchFilters(category_id=drinks.pk)
    )
    assert found == [milk]
    found = selectors.demand_search(
        query="牛奶", filters=SearchFilters(max_quantity=10)
    )
    assert found == [far]
    near = selectors.demand_search(
        query="牛奶", filters=SearchFilters(near=(31.2, 121.5), within_m=20_000)
    )
    assert near == [milk]
    soon = selectors.demand_search(
        query="牛奶",
        filters=SearchFilters(deadline_before=timezone.now() + timedelta(days=1)),
    )
    assert soon == []


def test_a_saved_search_hears_of_new_matching_demands_once():
    merchant, owner = make_owner_merchant()
    services.saved_search_create(actor=owner, merchant=merchant, query="有机 牛奶")
    make_published(title="有机牛奶", description="")
    make_published(title="大米", description="")
    sent = Notification.objects.filter(recipient=owner, kind="demands.match")
    assert sent.count() == 1


def test_only_the_merchants_staff_save_searches():
    merchant, _owner = make_owner_merchant()
    with pytest.raises(DomainError) as caught:
        services.saved_search_create(actor=make_user(), merchant=merchant, query="牛奶")
    assert caught.value.status == 403
    assert Demand.objects.count() == 0


def test_a_title_as_written_ranks_before_one_found_by_its_pinyin():
    written = make_published(title="Yinhang card holder", description="")
    by_pinyin = make_published(title="银行卡套", description="")
    found = selectors.demand_search(query="yinhang")
    assert found == [written, by_pinyin]


def test_upgrading_rewrites_the_search_text_of_existing_demands():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "groupbuy.demands.migrations.0005_search_text_pinyin"
    )
    # given a published demand indexed before pinyin was
    demand = make_published(title="香蕉十箱", description="")
    old_text = " ".join(search.segment("香蕉十箱") * 2)
    Demand.objects.filter(pk=demand.pk).update(search_text=old_text)
    search.index_update(demand_id=demand.pk, text=old_text)
    assert selectors.demand_search(query="xiangjiao") == []
    # when
    migration.rewrite_search_text(apps, connection.schema_editor())
    # then
    assert selectors.demand_search(query="xiangjiao") == [demand]


PARTLY_TYPED = [
    ("xiangj", ["banana"]),  # the last syllable cut short, as while typing
    ("xiangjia", ["banana"]),
    ("niun", ["milk_cn", "milk_plain"]),
    ("youjiniu", ["milk_cn"]),
    ("mlh", ["tea_cn"]),  # initials cut short too
    ("iangj", []),  # starts inside a syllable (xiang jiao)
    ("jiao", []),  # a syllable inside a word, as before
]


def _partly_typed(demands, query):
    demands = {**demands, "banana": make_published(title="香蕉十箱", description="")}
    return sorted(_ranking(query, demands))


def test_a_saved_search_typed_partly_in_pinyin_hears_of_new_demands():
    # given a shop saved the search "xiangj" (pinyin cut short)
    merchant, owner = make_owner_merchant()
    services.saved_search_create(actor=owner, merchant=merchant, query="xiangj")
    # when demands are published
    make_published(title="香蕉十箱", description="")
    make_published(title="大米", description="")
    # then it hears of the bananas only
    sent = Notification.objects.filter(recipient=owner, kind="demands.match")
    assert sent.count() == 1


class TestTheFixedSet:
    """The tests that read the fixed set of six demands, built once for them
    all (each test's writes are undone as it ends): they published six
    demands each, ~0.4 s of CPU a test for 30 tests."""

    def test_search_ranks_a_fixed_set_of_chinese_and_english_demands(self, demands):
        _assert_fixed_ranking(demands)

    @pytest.mark.postgres
    def test_the_same_ranking_on_postgres(self, demands):
        if connection.vendor != "postgresql":
            pytest.skip("needs DATABASE_URL=postgres://…")
        _assert_fixed_ranking(demands)

    def test_an_empty_search_lists_open_demands_by_deadline(self, demands):
        assert len(_ranking("", demands)) == len(FIXED_SET)

    def test_closed_demands_leave_the_index(self, demands):
        milk = demands["milk_cn"]
        services.demand_cancel(actor=milk.initiator, demand=milk)
        assert _ranking("有机牛奶", demands) == ["milk_plain"]

    @pytest.mark.parametrize(
        "query",
        ["牛" * 10_000, 'milk" OR "rice', "milk*", "(milk)", "title:milk", "a^2"],
    )
    def test_long_queries_and_fts_syntax_are_refused(self, query, demands):
        with pytest.raises(DomainError) as caught:
            selectors.demand_search(query=query)
        assert (caught.value.status, caught.value.code) == (400, "invalid_query")

    def test_fts_keywords_are_searched_as_words(self, demands):
        assert _ranking("milk OR NOT NEAR", demands) == ["milk_en"]

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("niunai", ["milk_cn", "milk_plain"]),
            ("niu奶", ["milk_cn", "milk_plain"]),
            ("youjiniunaishixiang", ["milk_cn"]),  # a whole run of the title
            ("dami", ["rice_cn"]),
            ("moli", ["tea_cn"]),
            ("mlhc", ["tea_cn"]),
            ("n", []),  # one letter is no initials
        ],
    )
    def test_chinese_titles_are_found_by_pinyin_and_initials(
        self, demands, query, expected
    ):
        assert sorted(_ranking(query, demands)) == expected

    @pytest.mark.parametrize("query, expected", PARTLY_TYPED)
    def test_pinyin_typed_partly_finds_the_words_it_starts(
        self, demands, query, expected
    ):
        assert _partly_typed(demands, query) == expected

    @pytest.mark.postgres
    @pytest.mark.parametrize("query, expected", PARTLY_TYPED)
    def test_pinyin_typed_partly_on_postgres(self, demands, query, expected):
        if connection.vendor != "postgresql":
            pytest.skip("needs DATABASE_URL=postgres://…")
        assert _partly_typed(demands, query) == expected
