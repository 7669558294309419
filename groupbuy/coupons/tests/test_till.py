"""The till (the merchant's redemption console) as a cashier uses it: what a
scan is for, what it took, where, and what the till keeps between scans."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.coupons import symbols
from groupbuy.coupons.models import Redemption
from groupbuy.coupons.services import batch_import, coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import _batch, _entry

pytestmark = pytest.mark.django_db


def _english_station():
    return make_station(owner=make_user(preferred_language="en"))


def _console(station) -> str:
    return f"/coupons/merchant/{station.merchant.public_id}/"


def _result(page) -> str:
    found = re.search(r'<p[^>]*id="redeem-result"[^>]*>(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def _today_list(page) -> str:
    return re.search(r'<ul[^>]*id="redemptions"[^>]*>(.*?)</ul>', page, re.S).group(1)


def _selected_branch(page) -> str:
    select = re.search(r'<select name="branch".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen.group(1) if chosen else ""


def test_a_scan_with_no_units_takes_one_and_says_what_for_and_what_is_left(client):
    # given a 5-unit coupon at the till
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(5,))
    coupon = coupon_for(order)
    client.force_login(station.owner)
    # when the cashier scans it and leaves the units empty
    answer = client.post(f"{_console(station)}redeem/", {"code": coupon.code})
    page = client.get(answer["Location"]).content.decode()
    # then one unit is taken, not all five
    assert Redemption.objects.get().quantity == 1
    assert coupon_for(order).remaining_quantity == 4
    # and the result and "Redeemed today" say what the coupon is for and what
    # is left on it
    title = order.deal.title
    assert title in _result(page) and "4 left" in _result(page)
    assert title in _today_list(page) and "4 left" in _today_list(page)
    # and the units field says what empty means
    assert "Units (empty: 1)" in page
    assert "empty: all left" not in page


def test_a_photo_scan_takes_the_units_asked_and_one_when_none_are(client):
    # given two 3-unit coupons and photos of their codes
    station = _english_station()
    one, two = confirmed_orders(station.merchant, quantities=(3, 3))
    url = f"{_console(station)}redeem/"
    client.force_login(station.owner)
    # when one photo is sent asking for 2 units and the other asking for none
    for order, units in ((one, "2"), (two, "")):
        photo = _file("code.png", symbols.png(coupon_for(order).code))
        assert client.post(url, {"photo": photo, "quantity": units}).status_code == 302
    # then 2 units and 1 unit are taken
    assert coupon_for(one).remaining_quantity == 1
    assert coupon_for(two).remaining_quantity == 2


def test_a_photo_scan_is_sent_with_the_tills_branch_and_units(client):
    # given the till of a shop with two branches
    station = _english_station()
    make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    client.force_login(station.owner)
    page = client.get(_console(station)).content.decode()
    # then the photo and its button belong to the till's form, so the branch
    # and units chosen there go with the photo (sent as multipart by its button)
    assert re.search(r'<input type="file" name="photo"[^>]*form="redeem-form"', page)
    button = re.search(r'<button[^>]*value="photo"[^>]*>', page).group(0)
    assert 'form="redeem-form"' in button
    assert 'formenctype="multipart/form-data"' in button
    # and a photo sent with a code still in the field (kept from a refusal) is
    # read from the photo when "Scan photo" is pressed
    photo = _file("code.png", symbols.png(coupon_for(order).code))
    answer = client.post(
        f"{_console(station)}redeem/",
        {
            "photo": photo,
            "scan": "photo",
            "code": "GB1:OLD",
            "quantity": "2",
            "branch": west.public_id,
        },
    )
    assert answer.status_code == 302
    redemption = Redemption.objects.get()
    assert (redemption.quantity, redemption.branch) == (2, west)


def test_the_till_keeps_its_branch_after_a_scan(client):
    # given a shop with two branches and a cashier who may work at any
    station = _english_station()
    make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    # when they redeem at West gate
    answer = client.post(
        f"{_console(station)}redeem/",
        {"code": coupon_for(order).code, "branch": west.public_id},
    )
    # then the till shows West gate chosen for the next scan, and again later
    assert _selected_branch(client.get(answer["Location"]).content.decode()) == (
        west.public_id
    )
    assert _selected_branch(client.get(_console(station)).content.decode()) == (
        west.public_id
    )


def test_a_refused_scan_keeps_what_was_typed(client):
    # given a 3-unit coupon and a shop with two branches
    station = _english_station()
    make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    code = coupon_for(order).code
    client.force_login(station.owner)
    # when the cashier asks for more units than the coupon holds
    refused = client.post(
        f"{_console(station)}redeem/",
        {"code": code, "quantity": "7", "branch": west.public_id},
    )
    # then the refusal keeps the code, the units and the branch
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "Redeem between 1 and 3 units." in page
    assert f'value="{code}"' in page
    assert re.search(r'name="quantity"[^>]*value="7"', page)
    assert _selected_branch(page) == west.public_id
    assert not Redemption.objects.exists()


def test_a_shop_with_two_open_branches_asks_which_one(client):
    # given a shop with two open branches
    station = _english_station()
    east = make_branch(station.merchant, name="East gate")
    make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    url = f"{_console(station)}redeem/"
    # when a code is redeemed with no branch chosen
    refused = client.post(url, {"code": coupon_for(order).code})
    # then it is refused, asking for the branch, and nothing is taken
    assert refused.status_code == 422
    assert b'data-code="branch_required"' in refused.content
    assert (
        b"This shop has more than one open branch: choose the one you are at, so "
        b"the statement says where the coupon was used." in refused.content
    )
    assert not Redemption.objects.exists()
    # while with a branch it goes through
    done = client.post(url, {"code": coupon_for(order).code, "branch": east.public_id})
    assert done.status_code == 302
    assert Redemption.objects.get().branch == east


def _branch_options(page) -> list[tuple[str, str]]:
    select = re.search(r'<select name="branch".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_till_asks_which_of_several_branches_naming_each_with_its_address(
    client,
):
    # given a shop with two open branches
    station = _english_station()
    east = make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    # when the owner opens the till, then redeems with no branch chosen
    page = client.get(_console(station)).content.decode()
    refused = client.post(
        f"{_console(station)}redeem/", {"code": coupon_for(order).code}
    ).content.decode()
    # then the branch is a required choice, each named with its address,
    # and the refusal says under the field what to do
    select = re.search(r"<select[^>]*>", page).group(0)
    assert 'name="branch"' in select and "required" in select
    assert _branch_options(page) == [
        ("", "Choose the branch you are at"),
        (east.public_id, "East gate · 1 Road"),
        (west.public_id, "West gate · 1 Road"),
    ]
    assert re.search(
        r'id="id_branch_error"><li>Choose the branch you are at\.</li>', refused
    )


def test_the_till_of_a_shop_with_one_open_branch_has_it_chosen(client):
    # given a shop with one open branch
    station = _english_station()
    east = make_branch(station.merchant, name="East gate")
    client.force_login(station.owner)
    # when the owner opens the till
    page = client.get(_console(station)).content.decode()
    # then that branch is the only choice, already chosen
    assert _branch_options(page) == [(east.public_id, "East gate · 1 Road")]
    assert _selected_branch(page) == east.public_id


def test_a_shop_with_one_open_branch_needs_no_branch_chosen(client):
    # given a shop with one open branch and one closed
    station = _english_station()
    make_branch(station.merchant, name="East gate")
    closed = make_branch(station.merchant, name="Old gate")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    # when a code is redeemed with no branch chosen
    done = client.post(f"{_console(station)}redeem/", {"code": coupon_for(order).code})
    # then it goes through
    assert done.status_code == 302 and Redemption.objects.count() == 1


def test_a_branch_cashier_sees_only_batches_touching_their_branch(client):
    # given a cashier of East gate and a batch from each branch's station
    station = _english_station()
    east = make_branch(station.merchant, name="East gate")
    west = make_branch(station.merchant, name="West gate")
    cashier = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier", branch=east
    )
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    east_entry = _entry(coupon_for(one), "e1") | {"branch": east.public_id}
    west_entry = _entry(coupon_for(two), "w1") | {"branch": west.public_id}
    data = {
        "east": _batch(station, [east_entry]),
        "west": _batch(station, [west_entry]),
    }
    east_batch = batch_import(
        actor=station.owner, merchant=station.merchant, data=data["east"]
    )
    west_batch = batch_import(
        actor=station.owner, merchant=station.merchant, data=data["west"]
    )
    # when the cashier and the owner open the console
    client.force_login(cashier)
    theirs = client.get(_console(station)).content.decode()
    client.force_login(station.owner)
    owners = client.get(_console(station)).content.decode()
    # then the cashier's list holds East gate's batch only, the owner's both
    listed = re.compile(r'<li data-batch="([^"]+)"')
    assert listed.findall(theirs) == [east_batch.public_id]
    assert set(listed.findall(owners)) == {east_batch.public_id, west_batch.public_id}


def test_uploading_a_batch_again_says_when_it_was_imported(client):
    # given a batch imported once through the console
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    data = _batch(station, [_entry(coupon_for(order))])
    client.force_login(station.owner)
    url = f"{_console(station)}batches/"
    first = client.post(url, {"batch": _file("batch.json", data)}, follow=True)
    assert "Batch imported: 1 redeemed" in first.content.decode()
    # when the same file is uploaded again
    again = client.post(url, {"batch": _file("batch.json", data)}, follow=True)
    # then it says it was already imported, and when
    page = again.content.decode()
    batch = Redemption.objects.get().batch
    when = timezone.localtime(batch.uploaded_at).strftime("%Y-%m-%d %H:%M")
    assert f"This batch was already imported on {when}" in page
    assert "Batch imported:" not in page
    assert Redemption.objects.count() == 1


def test_a_batch_file_over_the_limit_is_refused_as_too_large(client):
    # given a 5 MB file
    station = _english_station()
    client.force_login(station.owner)
    big = _file("batch.json", b"{" + b" " * (5 * 1024 * 1024))
    # when it is uploaded in the console
    refused = client.post(f"{_console(station)}batches/", {"batch": big})
    # then it is refused as too large, saying the limit
    page = refused.content.decode()
    assert refused.status_code == 413
    assert 'data-code="too_large"' in page
    assert "This batch file is too large: the limit is 4 MB." in page


def test_redeemed_today_dates_a_redemption_made_before_today(client):
    # given a redemption made yesterday and recorded today (an offline
    # station's, uploaded today), and one made today
    station = _english_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    earlier, today = (
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon_for(o).code
        )
        for o in (one, two)
    )
    yesterday = timezone.localtime() - timedelta(days=1)
    Redemption.objects.filter(pk=earlier.pk).update(redeemed_at=yesterday)
    client.force_login(station.owner)
    # when the console lists today's redemptions
    listed = _today_list(client.get(_console(station)).content.decode())
    # then yesterday's shows its day, today's its time only, on one line
    times = re.findall(r"<time[^>]*>([^<]*)</time>", listed)
    assert sorted(times) == sorted(
        [
            yesterday.strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(today.redeemed_at).strftime("%H:%M"),
        ]
    )
    assert listed.count('class="nowrap"') == 2


def _file(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_the_result_says_the_value_redeemed_with_the_units_and_then_what_is_left(
    client,
):
    # given a 3-unit coupon at ¥99.00 a unit
    station = _english_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    client.force_login(station.owner)
    # when the cashier redeems 2 units
    answer = client.post(
        f"{_console(station)}redeem/", {"code": coupon.code, "quantity": "2"}
    )
    result = _result(client.get(answer["Location"]).content.decode())
    # then the value is the 2 units', said with them, and the result ends with
    # what is left (not followed by a value that reads as the value left)
    assert Redemption.objects.get().amount_fen == 19_800
    assert (
        f"Redeemed 2 units of “{order.deal.title}”, worth ¥198.00 "
        f"(coupon {coupon.serial})."
    ) in result
    assert result.endswith("<strong>1 left</strong>")
