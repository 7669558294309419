"""A deal's title is written in one language; where it does not name the product,
the lists name the product in the reader's language beside it, so an English
reader learns from the list what a deal titled 海南香蕉 2 斤装 拼团 sells."""

import re

import pytest
from django.test import Client

from groupbuy.accounts.models import User
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_product


def _client(language: str) -> Client:
    user = User.objects.create_user(
        f"+861390106{'1' if language == 'en' else '2'}000",
        "product-names-pass",
        preferred_language=language,
    )
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _part(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}".*?</(a|li)>', html, re.S).group(0)


@pytest.fixture
def bananas(db):
    return make_deal(
        title="海南香蕉 2 斤装 拼团",
        product=make_product(name_zh="香蕉", name_en="Bananas"),
    )


def test_an_english_reader_sees_what_a_chinese_titled_deal_sells(bananas):
    # when a shopper reading English lists the deals and orders one
    client = _client("en")
    card = _part(client.get("/").content.decode(), f"deal-card-{bananas.public_id}")
    order = join_and_pay(bananas, shopper=client.user)
    listed = _part(client.get("/orders/").content.decode(), f"order-{order.public_id}")
    detail = client.get(f"/orders/{order.public_id}/").content.decode()
    # then the card, their orders and the order's page say it is Bananas
    assert '<span class="deal-card-product">Bananas</span>' in card
    assert '<span class="order-product">Bananas</span>' in listed
    assert '<span id="order-product">Bananas</span>' in detail


def test_a_title_that_names_the_product_is_not_repeated(bananas):
    # when a shopper reading Chinese, whose product name the title holds, lists them
    client = _client("zh-hans")
    card = _part(client.get("/").content.decode(), f"deal-card-{bananas.public_id}")
    order = join_and_pay(bananas, shopper=client.user)
    detail = client.get(f"/orders/{order.public_id}/").content.decode()
    # then nothing is added beside the title
    assert "deal-card-product" not in card
    assert "香蕉</span> ·" not in card
    assert 'id="order-product"' not in detail
