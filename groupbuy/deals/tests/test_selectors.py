"""What pages read: open deals (search, category, nearest), details, orders."""

import pytest
from django.http import Http404

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import ProductAlias
from groupbuy.core.errors import DomainError
from groupbuy.deals.selectors import (
    deal_detail_for_user,
    deal_get_for_user,
    deal_list_for_merchant,
    deal_list_open,
    merchant_get_for_deals_staff,
    order_get_for_user,
    order_list_for_deal,
    order_list_for_shopper,
)
from groupbuy.deals.services import deal_close, deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_branch,
    make_category,
    make_deal,
    make_merchant,
    make_product,
    make_user,
    pass_deadline,
)

pytestmark = pytest.mark.django_db


def _titles(result):
    return [deal.title for deal in result.items]


def test_open_list_shows_only_joinable_deals_soonest_deadline_first():
    from datetime import timedelta

    later = make_deal(title="Later", deadline_in=timedelta(days=3))
    sooner = make_deal(title="Sooner", deadline_in=timedelta(days=1))
    make_deal(title="Draft", is_open=False)
    pass_deadline(make_deal(title="Overdue"))
    closed = pass_deadline(make_deal(title="Closed"))
    deal_close(deal=closed)
    result = deal_list_open()
    assert _titles(result) == ["Sooner", "Later"]
    assert result.items[0].participants == 0
    assert result.items[0].distance_m is None
    assert {sooner.pk, later.pk} == {deal.pk for deal in result.items}


@pytest.mark.parametrize("query", ["茉莉", "jasmine", "JASMINE tea", "花茶王", "Fresh"])
def test_search_matches_names_title_aliases_and_merchant(query):
    product = make_product(name_zh="茉莉花茶", name_en="Jasmine tea")
    ProductAlias.objects.create(product=product, text="花茶王")
    make_deal(product=product, title="Spring special")
    make_deal(
        product=make_product(name_zh="牛奶", name_en="Milk"),
        title="Milk",
        merchant=make_merchant(name="Dairy"),
    )
    assert _titles(deal_list_open(search=query)) == ["Spring special"]


def test_category_filter_includes_sub_categories():
    drinks = make_category(slug="drinks")
    tea = make_category(slug="tea", parent=drinks)
    make_deal(title="Tea", product=make_product(category=tea))
    make_deal(title="Other", product=make_product(category=make_category(slug="x")))
    assert _titles(deal_list_open(category="drinks")) == ["Tea"]
    assert _titles(deal_list_open(category=tea.public_id)) == ["Tea"]
    assert _titles(deal_list_open(category="nothing")) == []


def test_nearest_branch_first_with_distances_and_pages():
    # given a shopper at People's Square and three merchants
    near, far = make_merchant(name="Near"), make_merchant(name="Far")
    make_branch(merchant=near, latitude=31.2336, longitude=121.4757)  # ~0.1 km
    make_branch(merchant=far, latitude=31.1443, longitude=121.8083)  # ~33 km
    make_branch(merchant=far, latitude=31.3000, longitude=121.5000)  # ~7.6 km
    make_deal(title="Far deal", merchant=far)
    make_deal(title="Nowhere deal", merchant=make_merchant(name="Online"))
    make_deal(title="Near deal", merchant=near)
    # when
    first = deal_list_open(latitude=31.2325, longitude=121.4747, page_size=2)
    second = deal_list_open(latitude=31.2325, longitude=121.4747, page=2, page_size=2)
    # then
    assert _titles(first) == ["Near deal", "Far deal"]
    assert _titles(second) == ["Nowhere deal"]
    assert first.total == 3
    assert 100 < first.items[0].distance_m < 200
    assert 7_000 < first.items[1].distance_m < 8_500
    assert second.items[0].distance_m is None


def test_half_a_location_is_a_clear_error():
    with pytest.raises(DomainError) as caught:
        deal_list_open(latitude=31.2)
    assert caught.value.message == "Give both latitude and longitude, or neither."


def test_drafts_are_only_visible_to_their_merchant():
    owner = make_user()
    merchant = make_merchant(owner=owner)
    draft = make_deal(is_open=False, merchant=merchant)
    assert deal_get_for_user(user=owner, deal_id=draft.public_id) == draft
    with pytest.raises(DomainError) as caught:
        deal_get_for_user(user=make_user(), deal_id=draft.public_id)
    assert caught.value.status == 404


def test_detail_shows_my_live_order_and_why_i_cannot_join_again():
    deal = make_deal()
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    mine = deal_detail_for_user(user=shopper, deal_id=deal.public_id)
    theirs = deal_detail_for_user(user=make_user(), deal_id=deal.public_id)
    assert mine.my_order == order
    assert (mine.can_join, mine.join_refusal.code) == (False, "already_joined")
    assert (theirs.my_order, theirs.can_join) == (None, True)
    assert mine.prices == {
        "current_price_fen": 9_900,
        "highest_price_fen": 9_900,
        "lowest_price_fen": 8_900,
    }
    assert mine.progress["units_sold"] == 2


def test_orders_are_visible_to_their_shopper_and_the_merchants_staff():
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    shopper = make_user()
    order = join_and_pay(deal, shopper=shopper)
    assert order_get_for_user(user=shopper, order_id=order.public_id) == order
    assert order_get_for_user(user=owner, order_id=order.public_id) == order
    with pytest.raises(DomainError) as caught:
        order_get_for_user(user=make_user(), order_id=order.public_id)
    assert caught.value.status == 404
    assert order_list_for_shopper(user=shopper).items == [order]
    assert order_list_for_shopper(user=shopper, status="cancelled").items == []


def test_merchant_lists_are_for_staff_only():
    owner, stranger = make_user(), make_user()
    merchant = make_merchant(owner=owner)
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    assert [
        d.pk for d in deal_list_for_merchant(user=owner, merchant=merchant).items
    ] == [deal.pk]
    assert order_list_for_deal(user=owner, deal=deal).total == 1
    for read in (
        lambda: deal_list_for_merchant(user=stranger, merchant=merchant),
        lambda: order_list_for_deal(user=stranger, deal=deal),
    ):
        with pytest.raises(DomainError) as caught:
            read()
        assert caught.value.status == 403


def test_a_merchant_is_got_for_its_deals_staff_and_operators_only():
    # given a shop with an owner and a cashier, another shop's owner, a shopper
    owner, cashier, operator = make_user(), make_user(), make_user(is_staff=True)
    merchant = make_merchant(owner=owner)
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    other_owner, shopper = make_user(), make_user()
    make_merchant(name="Other", owner=other_owner)
    # when each asks for it, then its staff and operators get it
    for reader in (owner, cashier, operator):
        got = merchant_get_for_deals_staff(user=reader, merchant_id=merchant.public_id)
        assert got == merchant
    # and anyone else is refused 403
    for outsider in (other_owner, shopper):
        with pytest.raises(DomainError) as caught:
            merchant_get_for_deals_staff(user=outsider, merchant_id=merchant.public_id)
        assert (caught.value.status, caught.value.code) == (403, "forbidden")
    # and an id naming no merchant is not found, whoever asks
    with pytest.raises(Http404):
        merchant_get_for_deals_staff(user=owner, merchant_id="mer_nosuchmerchant0")


@pytest.mark.parametrize("query", ["xiangjiao", "xj", "xiang蕉"])
def test_search_finds_a_chinese_name_typed_as_pinyin_or_initials(query):
    make_deal(product=make_product(name_zh="香蕉", name_en="Bananas"), title="香蕉团")
    make_deal(product=make_product(name_zh="牛奶", name_en="Milk"), title="牛奶团")
    assert _titles(deal_list_open(search=query)) == ["香蕉团"]


def test_search_puts_a_written_match_before_pinyin_before_initials():
    from datetime import timedelta

    # given three deals "nana" finds three ways, the soonest deadline last
    make_deal(
        product=make_product(name_zh="你爱你啊", name_en=""),
        title="Initials",
        deadline_in=timedelta(hours=2),
    )
    make_deal(
        product=make_product(name_zh="娜娜蛋糕", name_en=""),
        title="Pinyin",
        deadline_in=timedelta(hours=3),
    )
    make_deal(
        product=make_product(name_zh="香蕉片", name_en="Banana chips"),
        title="Written",
        deadline_in=timedelta(hours=4),
    )
    # when / then: with or without a location
    assert _titles(deal_list_open(search="nana")) == ["Written", "Pinyin", "Initials"]
    nearby = deal_list_open(search="nana", latitude=31.23, longitude=121.47)
    assert _titles(nearby) == ["Written", "Pinyin", "Initials"]


@pytest.mark.parametrize("query", ["xianguopu", "xgp"])
def test_search_finds_a_shops_chinese_name_typed_as_pinyin(query):
    make_deal(merchant=make_merchant(name="鲜果铺"), title="Apples")
    make_deal(merchant=make_merchant(name="面包房"), title="Bread")
    assert _titles(deal_list_open(search=query)) == ["Apples"]


@pytest.mark.parametrize("query", ["duanwu", "dw", "zongzi", "duanwuzong"])
def test_search_finds_a_deal_by_the_pinyin_of_its_own_title(query):
    # given a deal whose title names what neither its product nor its shop does
    make_deal(
        merchant=make_merchant(name="Fresh Mart"),
        product=make_product(name_zh="糯米", name_en="Glutinous rice"),
        title="端午粽子团",
    )
    make_deal(title="中秋月饼团")
    # when / then
    assert _titles(deal_list_open(search=query)) == ["端午粽子团"]


def test_a_retitled_deal_is_found_by_its_new_pinyin_only():
    # given
    deal = make_deal(title="端午粽子团")
    # when the title changes with a save naming it
    deal.title = "中秋月饼团"
    deal.save(update_fields=["title"])
    # then
    assert _titles(deal_list_open(search="yuebing")) == ["中秋月饼团"]
    assert _titles(deal_list_open(search="duanwu")) == []


def test_a_title_found_by_pinyin_comes_after_one_found_as_written():
    from datetime import timedelta

    # given the pinyin match closes sooner
    make_deal(title="粽子 zongzi", deadline_in=timedelta(hours=5))
    make_deal(title="粽子团", deadline_in=timedelta(hours=2))
    # then the title as written comes first
    assert _titles(deal_list_open(search="zongzi")) == ["粽子 zongzi", "粽子团"]


def test_upgrading_gives_existing_deals_their_keys():
    import importlib

    from django.apps import apps

    from groupbuy.deals.models import Deal

    # given a deal saved before the keys existed
    make_deal(title="端午粽子团")
    Deal.objects.update(search_pinyin="", search_initials="")
    assert _titles(deal_list_open(search="duanwu")) == []
    # when
    importlib.import_module(
        "groupbuy.deals.migrations.0018_deal_pinyin_search_keys"
    ).fill_search_keys(apps, None)
    # then
    assert _titles(deal_list_open(search="duanwu")) == ["端午粽子团"]
    assert _titles(deal_list_open(search="dwzzt")) == ["端午粽子团"]
