"""What a redemption naming no units or no branch takes, over the API and at
the console's till alike (one rule, in coupon_redeem_online): one unit, at the
shop's only open branch; a shop with several open branches must name one."""

import pytest

from groupbuy.catalog.models import Branch
from groupbuy.coupons.models import Redemption
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import post

pytestmark = pytest.mark.django_db


def _english_station():
    return make_station(owner=make_user(preferred_language="en"))


def _redeem_url(station) -> str:
    return f"/api/coupons/merchants/{station.merchant.public_id}/redeem"


def test_the_api_takes_one_unit_when_no_quantity_is_sent(client):
    # given a 3-unit coupon at a shop with one open branch
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    # when the till sends its code with no quantity
    answer = post(
        client, _redeem_url(station), {"code": coupon_for(order).code}, station.owner
    )
    # then one unit is taken, as at the console (until 2026-12-06: all three)
    assert answer.status_code == 200
    assert (answer.json()["quantity"], answer.json()["remaining_quantity"]) == (1, 2)
    assert Redemption.objects.get().quantity_asked == 1


def test_the_api_redeems_at_the_shops_only_open_branch_when_none_is_named(client):
    # given a shop whose only open branch is Main (another has closed)
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    make_branch(station.merchant, name="Closed gate")
    Branch.objects.filter(name="Closed gate").update(is_active=False)
    main = Branch.objects.get(merchant=station.merchant, is_active=True)
    # when the till names no branch
    answer = post(
        client, _redeem_url(station), {"code": coupon_for(order).code}, station.owner
    )
    # then the redemption is at Main, so the statement says where (until
    # 2026-12-06 it was at no branch)
    assert answer.status_code == 200
    assert answer.json()["branch_id"] == main.public_id


def test_a_shop_with_several_open_branches_must_name_one_over_the_api(client):
    # given a shop with a second open branch
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    east = make_branch(station.merchant, name="East gate")
    code = coupon_for(order).code
    # when the till names no branch
    refused = post(client, _redeem_url(station), {"code": code}, station.owner)
    # then it is refused, saying why, on the field the request names it by,
    # and nothing is taken
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "branch_required",
        "message": (
            "This shop has more than one open branch: choose the one you are at, "
            "so the statement says where the coupon was used."
        ),
        "fields": {"branch_id": ["Choose the branch you are at."]},
    }
    assert coupon_for(order).remaining_quantity == 2
    # while naming one it goes through, one unit
    body = {"code": code, "branch_id": east.public_id}
    done = post(client, _redeem_url(station), body, station.owner)
    assert (done.status_code, done.json()["branch_id"]) == (200, east.public_id)
    assert done.json()["quantity"] == 1


def test_the_consoles_till_redeems_at_the_only_open_branch_too(client):
    # given a shop with one open branch, its owner on the console
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    main = Branch.objects.get(merchant=station.merchant)
    client.force_login(station.owner)
    # when a code is redeemed with no branch chosen and no units typed
    done = client.post(
        f"/coupons/merchant/{station.merchant.public_id}/redeem/",
        {"code": coupon_for(order).code, "branch": "", "quantity": ""},
    )
    # then one unit is taken, at that branch (until 2026-12-06: at none)
    assert done.status_code == 302
    redemption = Redemption.objects.get()
    assert (redemption.quantity, redemption.branch) == (1, main)


def test_outsiders_are_refused_before_being_asked_for_a_branch(client):
    # given a shop with two open branches and a coupon
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    make_branch(station.merchant, name="East gate")
    other = make_station(name="Other shop")
    stranger = make_user()
    # when another shop's owner, the coupon's shopper and a stranger redeem it
    # at this shop naming no branch
    answers = [
        post(client, _redeem_url(station), {"code": coupon_for(order).code}, user)
        for user in (other.owner, order.shopper, stranger)
    ]
    # then each is refused 403, told nothing of the shop's branches
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (403, "forbidden")
    ] * 3
    assert not Redemption.objects.exists()
