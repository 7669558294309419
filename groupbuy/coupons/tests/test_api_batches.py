"""The API's station batches: uploading one again, the size limit, and
listing and reading them by who may see them."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.coupons.services import batch_import
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import _batch, _entry, auth, upload

pytestmark = pytest.mark.django_db


def test_a_batch_uploaded_again_answers_its_first_import(client):
    # given a batch uploaded once
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    data = _batch(station, [_entry(coupon_for(order))])
    first = upload(client, station, data).json()
    # when it is uploaded again
    again = upload(client, station, data).json()
    # then the answer is that import, marked as such
    assert first["already_imported"] is False
    assert again == first | {"already_imported": True}


def test_a_batch_file_over_the_limit_is_refused_saying_the_limit(client):
    # given a 5 MB file sent as a form's file
    station = make_station(owner=make_user(preferred_language="en"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("batch.json", b"{" + b" " * (5 * 1024 * 1024))
    # when it is uploaded
    response = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/batches",
        {"batch": big},
        headers=auth(station.owner),
    )
    # then it is refused as too large, with the limit
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "the limit is 4 MB" in response.json()["message"]


def test_a_batch_sent_as_a_form_file_under_another_name_is_refused_saying_the_name(
    client,
):
    # given a station's batch sent as a form's file named "file", not "batch"
    station = make_station(owner=make_user(preferred_language="en"))
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    data = _batch(station, [_entry(coupon_for(order))])
    from django.core.files.uploadedfile import SimpleUploadedFile

    # when it is uploaded
    response = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/batches",
        {"file": SimpleUploadedFile("batch.json", data)},
        headers=auth(station.owner),
    )
    # then it is refused, naming the field to use, and nothing is redeemed
    assert response.status_code == 400
    assert response.json()["code"] == "file_missing"
    assert response.json()["fields"] == {
        "batch": ["Send the batch file as the form's “batch” file."]
    }
    assert not order.coupon.redemptions.exists()


def _shop_with_two_branch_batches():
    station = make_station()
    east = make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier", branch=east
    )
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    at_east = _entry(coupon_for(one), "e1") | {"branch": east.public_id}
    at_west = _entry(coupon_for(two), "w1") | {"branch": west.public_id}
    batches = [
        batch_import(
            actor=station.owner,
            merchant=station.merchant,
            data=_batch(station, [entry]),
        )
        for entry in (at_east, at_west)
    ]
    return station, cashier, batches, (one, two)


def test_staff_list_the_batches_they_may_see(client):
    # given a batch from each branch, and a cashier of East gate
    station, cashier, (east_batch, west_batch), _orders = (
        _shop_with_two_branch_batches()
    )
    url = f"/api/coupons/merchants/{station.merchant.public_id}/batches"
    # when the owner and the cashier list them
    owners = client.get(url, headers=auth(station.owner)).json()
    theirs = client.get(url, headers=auth(cashier)).json()
    # then the owner sees both, newest first, with who uploaded them
    assert [b["batch_id"] for b in owners["items"]] == [
        west_batch.public_id,
        east_batch.public_id,
    ]
    assert owners["total"] == 2
    assert owners["items"][0]["uploaded_by"]["user_id"] == station.owner.public_id
    # and the cashier East gate's only
    assert [b["batch_id"] for b in theirs["items"]] == [east_batch.public_id]


def test_a_batch_reads_with_its_lines_and_its_uploader(client):
    # given a batch from each branch
    station, cashier, (east_batch, west_batch), (one, _two) = (
        _shop_with_two_branch_batches()
    )
    base = f"/api/coupons/merchants/{station.merchant.public_id}/batches"
    # when the owner reads East gate's
    body = client.get(f"{base}/{east_batch.public_id}", headers=auth(station.owner))
    # then it has its redemption and who uploaded it
    assert body.status_code == 200
    detail = body.json()
    assert detail["batch_id"] == east_batch.public_id
    assert detail["uploaded_by"]["user_id"] == station.owner.public_id
    assert [r["coupon_id"] for r in detail["redemptions"]] == [
        coupon_for(one).public_id
    ]
    assert detail["conflict_lines"] == []
    # and the East gate cashier reads it too, but not West gate's
    mine = client.get(f"{base}/{east_batch.public_id}", headers=auth(cashier))
    other_branch = client.get(f"{base}/{west_batch.public_id}", headers=auth(cashier))
    assert mine.status_code == 200
    assert other_branch.status_code == 404


def test_other_merchants_and_shoppers_cannot_list_or_read_batches(client):
    # given a merchant's batch, another merchant and a shopper
    station, _cashier, (east_batch, _west), (one, _two) = (
        _shop_with_two_branch_batches()
    )
    other = make_station(name="Other shop")
    base = f"/api/coupons/merchants/{station.merchant.public_id}/batches"
    theirs = f"/api/coupons/merchants/{other.merchant.public_id}/batches"
    for user in (other.owner, one.shopper):
        # when they list or read it
        listed = client.get(base, headers=auth(user))
        read = client.get(f"{base}/{east_batch.public_id}", headers=auth(user))
        # then they are refused
        assert (listed.status_code, read.status_code) == (403, 403)
    # and through the other merchant's own address the batch is not found
    read = client.get(f"{theirs}/{east_batch.public_id}", headers=auth(other.owner))
    assert read.status_code == 404
    assert client.get(base).status_code == 401
