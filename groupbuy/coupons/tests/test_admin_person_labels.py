"""The coupons admin names a person with no display name by their masked
number (``person_label``), never by ``str(user)``, their full number; a search
by the full number still finds their coupons."""

import pytest
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.tests.helpers import (
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    make_user,
)
from groupbuy.coupons.models import Coupon, Redemption
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station

pytestmark = pytest.mark.django_db


def test_coupon_and_redemption_pages_name_unnamed_people_by_masked_numbers():
    # given a coupon held by a person with no name, a unit of it redeemed by a
    # cashier with no name
    (order,) = confirmed_orders(make_station().merchant, quantities=(1,))
    coupon = coupon_for(order)
    Coupon.objects.filter(pk=coupon.pk).update(shopper=make_user(UNNAMED_NUMBER))
    redemption = Redemption.objects.create(
        coupon=coupon,
        quantity=1,
        amount_fen=9_900,
        channel=Redemption.Channel.ONLINE,
        cashier=make_user("+8613900139004"),
        nonce="n-1",
        redeemed_at=timezone.now(),
    )
    support = Client()
    support.force_login(make_user("+8613700137001", is_staff=True, is_superuser=True))
    url = "/admin/coupons/coupon/"
    # when support opens the coupon and the redemption, then searches the
    # coupon list by the holder's full number
    detail = admin_page(support, f"{url}{coupon.pk}/change/")
    redeemed = admin_page(support, f"/admin/coupons/redemption/{redemption.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then the pages show masked numbers only, and the search finds the coupon
    assert UNNAMED_MASKED in detail
    assert UNNAMED_NUMBER not in detail
    assert "+86139****9004" in redeemed
    assert "+8613900139004" not in redeemed
    assert f"{url}{coupon.pk}/change/" in found
