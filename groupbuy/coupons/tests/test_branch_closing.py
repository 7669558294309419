"""A branch does not close while coupons to be collected there are valid
(coupons/branch_closing.py, asked by catalog's branch_update)."""

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.services import branch_update
from groupbuy.core.models import AuditEntry
from groupbuy.coupons.models import Coupon
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
)

pytestmark = pytest.mark.django_db


def _shop_with_a_coupon_to_collect_at(name: str):
    station = make_station()
    branch = make_branch(station.merchant, name=name)
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    order.pickup_branch = branch
    order.save(update_fields=["pickup_branch"])
    return station, branch, order


def test_a_branch_with_an_unredeemed_coupon_to_collect_there_does_not_close():
    # given a confirmed order to collect at East, its coupon half redeemed
    station, east, order = _shop_with_a_coupon_to_collect_at("East")
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    expiry = coupon_for(order).expires_at
    # when the owner closes East
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        branch_update(actor=station.owner, branch=east, is_active=False)
    # then it is refused with the coupon's last day; nothing is written
    assert caught.value.status == 409
    with translation.override("en"):
        day = date_format(timezone.localtime(expiry), "DATE_FORMAT")
    assert caught.value.message == (
        "1 coupon to be collected here has not been redeemed yet: close the "
        f"branch once it has been redeemed or has expired ({day})."
    )
    assert Branch.objects.get(pk=east.pk).is_active is True
    assert not AuditEntry.objects.filter(action="catalog.branch.updated").exists()


def test_a_branch_whose_coupons_are_all_redeemed_closes():
    # given the coupon to collect at East fully redeemed, the Main branch open
    station, east, order = _shop_with_a_coupon_to_collect_at("East")
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=coupon_for(order).quantity,
    )
    assert coupon_for(order).status == Coupon.Status.REDEEMED
    # when the owner closes East, then it closes
    branch_update(actor=station.owner, branch=east, is_active=False)
    assert Branch.objects.get(pk=east.pk).is_active is False


def test_the_last_open_branch_does_not_close_while_any_coupon_is_valid():
    # given a valid coupon whose order names no branch (a team order's: any
    # open branch), and the shop's branches Main and East
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    assert order.pickup_branch is None
    east = make_branch(station.merchant, name="East")
    main = Branch.objects.get(merchant=station.merchant, name="Main")
    # East closes: Main is still open to collect from
    branch_update(actor=station.owner, branch=east, is_active=False)
    # when the owner closes Main too, then it is refused
    with pytest.raises(CatalogError) as caught:
        branch_update(actor=station.owner, branch=main, is_active=False)
    assert caught.value.code == "branch_in_use"
    assert Branch.objects.get(pk=main.pk).is_active is True
