"""A notification names a deal so each reader knows what it sells: a shop writes
its title in one language (Chinese), and an English reader also reads the
product's English name."""

import pytest

from groupbuy.deals.services import deal_close, deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_product,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _paid_title(deal, *, language: str) -> tuple[str, str]:
    shopper = make_user(preferred_language=language)
    pay(deal_join(actor=shopper, deal=deal, quantity=1))
    notification = Notification.objects.get(recipient=shopper)
    return notification.text_in("en")[0], notification.text_in("zh-hans")[0]


def test_an_english_reader_reads_the_products_english_name_beside_a_chinese_title(
    django_capture_on_commit_callbacks,
):
    # given a deal titled in Chinese
    product = make_product(name_zh="香蕉", name_en="Bananas")
    deal = make_deal(product=product, title="香蕉团购 5 斤")
    # when a Chinese reader pays (the English text is kept beside it)
    with django_capture_on_commit_callbacks(execute=True):
        english, chinese = _paid_title(deal, language="zh-hans")
    # then
    assert english == "Payment received: 香蕉团购 5 斤 (Bananas)"
    assert chinese == "已收到付款：香蕉团购 5 斤"


@pytest.mark.parametrize(
    "name_en, title",
    [
        ("", "香蕉团购"),  # no English name to give
        ("Bananas", "Bananas, 5 jin"),  # the title already says it
    ],
)
def test_the_title_is_left_alone_where_it_needs_no_english_name(
    django_capture_on_commit_callbacks, name_en, title
):
    deal = make_deal(product=make_product(name_zh="香蕉", name_en=name_en), title=title)
    with django_capture_on_commit_callbacks(execute=True):
        english, _chinese = _paid_title(deal, language="en")
    assert english == f"Payment received: {title}"


def test_a_chinese_reader_of_a_title_without_the_product_reads_it_as_written(
    django_capture_on_commit_callbacks,
):
    deal = make_deal(
        product=make_product(name_zh="香蕉", name_en="Bananas"), title="周末特价"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _english, chinese = _paid_title(deal, language="zh-hans")
    assert chinese == "已收到付款：周末特价"


def test_an_english_owner_reads_the_english_name_in_the_shops_notifications(
    django_capture_on_commit_callbacks,
):
    # given an English-reading owner's deal titled in Chinese, one buyer to go
    owner = make_user(preferred_language="en")
    deal = make_deal(
        merchant=make_merchant(owner=owner),
        product=make_product(name_zh="香蕉", name_en="Bananas"),
        title="香蕉团购",
    )
    # when it succeeds
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            join_and_pay(deal)
        pass_deadline(deal)
        deal_close(deal=deal)
    # then
    succeeded = Notification.objects.get(recipient=owner, kind="deals.shop.succeeded")
    assert succeeded.title == "Your group buy succeeded: 香蕉团购 (Bananas)"
