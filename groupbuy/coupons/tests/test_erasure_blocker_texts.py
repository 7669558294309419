"""What the erasure page says of a coupon not used yet, in the reader's words."""

import pytest

from groupbuy.coupons.models import Coupon
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import make_merchant, make_user

# one_database: the erasure page's words (as conftest.py's page modules); what
# blocks an erasure is tested on PostgreSQL (ops' test_erasure_blockers_shoppers).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


@pytest.mark.parametrize(
    ("language", "shop"), [("en", "Tea House"), ("zh-hans", "茶馆")]
)
def test_a_coupon_blocking_erasure_names_its_shop_in_the_readers_language(
    client, language, shop
):
    # given a shopper with a coupon not used yet, from a shop with two names
    shopper = make_user(preferred_language=language)
    merchant = make_merchant(name="茶馆")
    merchant.name_en = "Tea House"
    merchant.save(update_fields=["name_en"])
    (order,) = confirmed_orders(merchant, quantities=(1,))
    DealOrder.objects.filter(pk=order.pk).update(shopper=shopper)
    coupon = coupon_for(order)
    Coupon.objects.filter(pk=coupon.pk).update(shopper=shopper)
    client.force_login(shopper)
    # when they read what holds their account's deletion (page and API)
    page = client.get("/account/data/").content.decode()
    blockers = client.get("/api/me/data/erasure").json()["blockers"]
    # then the shop is named as their pages name it (until 2026-12-07 always
    # its Chinese name: "Your coupon … for 茶馆" on an English page)
    other = "茶馆" if shop == "Tea House" else "Tea House"
    assert len(blockers) == 1
    assert shop in blockers[0] and other not in blockers[0]
    assert blockers[0] in page
