"""A cashier limited to one branch redeems coupons at that branch only."""

import re

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.coupons.models import Redemption
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import _batch, _entry, auth, post, upload

pytestmark = pytest.mark.django_db


def _shop_with_a_branch_cashier():
    station = make_station()
    east = make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    cashier = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier", branch=east
    )
    return station, east, west, cashier


def test_the_api_refuses_a_branch_cashier_another_branch_and_defaults_to_theirs(
    client,
):
    # given a cashier of East gate and two coupons
    station, east, west, cashier = _shop_with_a_branch_cashier()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    # when they redeem at West gate
    refused = post(
        client,
        url,
        {"code": coupon_for(one).code, "branch_id": west.public_id},
        cashier,
    )
    # then they are refused, and nothing is taken
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_branch"
    assert "East gate" in refused.json()["message"]
    assert not Redemption.objects.exists()
    # when they name no branch: it is theirs
    answered = post(client, url, {"code": coupon_for(one).code}, cashier)
    assert answered.status_code == 200
    assert answered.json()["branch_id"] == east.public_id
    # and at their own branch, named, it goes through
    own = post(
        client,
        url,
        {"code": coupon_for(two).code, "branch_id": east.public_id},
        cashier,
    )
    assert own.status_code == 200 and own.json()["branch_id"] == east.public_id
    assert set(Redemption.objects.values_list("branch", flat=True)) == {east.pk}


def test_owners_and_cashiers_of_every_branch_still_redeem_anywhere(client):
    # given an owner whose membership names a branch, and a cashier of every branch
    station, east, west, _cashier = _shop_with_a_branch_cashier()
    merchant_membership_add(
        actor=None,
        user=station.owner,
        merchant=station.merchant,
        role="owner",
        branch=east,
    )
    roaming = make_user()
    merchant_membership_add(
        actor=None, user=roaming, merchant=station.merchant, role="cashier"
    )
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    # when each redeems at West gate, or at East gate
    by_owner = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(one).code,
        branch=west,
    )
    by_roaming = coupon_redeem_online(
        actor=roaming, merchant=station.merchant, code=coupon_for(two).code, branch=east
    )
    # then both go through where asked
    assert (by_owner.branch, by_roaming.branch) == (west, east)


def test_the_console_offers_a_branch_cashier_their_branch_only(client):
    # given a cashier of East gate on the console
    station, east, west, cashier = _shop_with_a_branch_cashier()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    client.force_login(cashier)
    # when they open it
    page = client.get(console).content.decode()
    # then the branch list holds East gate only
    select = re.search(r'<select name="branch".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', select) == [east.public_id]
    # and a form sent for West gate is refused without taking anything
    refused = client.post(
        f"{console}redeem/", {"code": coupon_for(order).code, "branch": west.public_id}
    )
    assert refused.status_code == 403
    assert not Redemption.objects.exists()
    # while the owner is offered every branch
    client.force_login(station.owner)
    page = client.get(console).content.decode()
    select = re.search(r'<select name="branch".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', select) == [
        "",
        east.public_id,
        west.public_id,
    ]


def test_a_branch_cashier_lists_their_branchs_redemptions_and_owners_all(client):
    # given a redemption at each branch
    station, east, west, cashier = _shop_with_a_branch_cashier()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    at_east = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(one).code,
        branch=east,
    )
    at_west = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(two).code,
        branch=west,
    )
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redemptions"
    # when the East gate cashier and the owner list them
    theirs = client.get(url, headers=auth(cashier)).json()["items"]
    owners = client.get(url, headers=auth(station.owner)).json()["items"]
    # then the cashier sees East gate's, the owner both
    assert [r["redemption_id"] for r in theirs] == [at_east.public_id]
    assert {r["redemption_id"] for r in owners} == {
        at_east.public_id,
        at_west.public_id,
    }
    # and the console's "Redeemed today" likewise
    client.force_login(cashier)
    page = client.get(f"/coupons/merchant/{station.merchant.public_id}/").content
    assert coupon_for(one).serial.encode() in page
    assert coupon_for(two).serial.encode() not in page


def test_a_branch_cashier_uploads_another_branchs_station_batch_as_recorded(client):
    # A station's batch is the station's record, signed with the shop's key: the
    # cashier uploading it only carries the file, and refusing it would leave
    # coupons used at the other branch unsettled and usable again.
    station, _east, west, cashier = _shop_with_a_branch_cashier()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    entry = _entry(coupon_for(order)) | {"branch": west.public_id}
    # when the East gate cashier uploads West gate's batch
    response = upload(client, station, _batch(station, [entry]), user=cashier)
    # then it is imported, at West gate, and the uploader recorded
    assert response.status_code == 200 and response.json()["accepted"] == 1
    redemption = Redemption.objects.get()
    assert redemption.branch == west
    assert redemption.batch.uploaded_by == cashier


def test_a_branch_cashiers_till_leaves_out_the_owners_notes(client):
    # given a shop of several branches with a deal paid at close, and a cashier
    # of East gate
    station, _east, _west, cashier = _shop_with_a_branch_cashier()
    confirmed_orders(station.merchant, quantities=(1,), settlement_mode="on_close")
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    owners_notes = ('id="offline-warning"', 'id="paid-at-close-note"')

    # when the cashier opens the till
    client.force_login(cashier)
    page = client.get(console).content.decode()

    # then neither the several-branches warning nor the note on the shop's
    # balance is there, while the deal is still marked paid at close
    assert not any(note in page for note in owners_notes)
    assert "data-paid-at-close" in page
    # and the owner still reads both
    client.force_login(station.owner)
    page = client.get(console).content.decode()
    assert all(note in page for note in owners_notes)
