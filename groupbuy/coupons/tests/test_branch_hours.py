"""The coupon page names where to redeem as the reader reads it, with each
branch's opening hours (until 2026-12-06: its Chinese name and no times)."""

import pytest

from groupbuy.catalog.models import Branch
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station

pytestmark = pytest.mark.django_db


def test_where_to_redeem_names_each_branch_in_english_with_its_hours(client):
    # given a shop whose branch 总店 / Main opens on Saturdays only
    station = make_station()
    Branch.objects.create(
        merchant=station.merchant,
        name="总店",
        name_en="Main",
        address="1 Road",
        opening_hours=[{"day": "sat", "opens": "09:00", "closes": "17:00"}],
    )
    [order] = confirmed_orders(station.merchant, quantities=(1,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)

    # when the shopper opens the coupon in English
    page = client.get(
        f"/coupons/{coupon_for(order).public_id}/", headers={"accept-language": "en"}
    ).content.decode()

    # then the branch is Main, with when it opens
    assert (
        '<li>Main · 1 Road<br><span class="muted">Opening hours: Mon–Fri closed; '
        "Sat 09:00–17:00; Sun closed</span></li>"
    ) in page
    assert "总店" not in page
