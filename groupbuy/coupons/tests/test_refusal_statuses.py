"""The status each coupon refusal answers with: a service's refusal of a value
it was sent is a 400 (422 is the API's own, for a request that does not fit
its schema: docs/api.md, Errors), a coupon not yet or no longer valid a 409,
a batch too large a 413. The body keeps its shape: code, message, fields."""

from datetime import timedelta

import pytest

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import MerchantKey, Redemption, RedemptionBatch
from groupbuy.coupons.services import merchant_key_register
from groupbuy.coupons.services.redeeming import coupon_check_code
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import (
    _batch,
    _entry,
    _station_keys,
    post,
    upload,
)

pytestmark = pytest.mark.django_db


def _redeem(client, station, body, user=None):
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    return post(client, url, body, user or station.owner)


def _refusal(response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    return response.status_code, body["code"]


def test_codes_the_till_cannot_redeem_are_400s_with_their_own_code(client):
    # given a shop's 2-unit coupon, and another shop's
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    (theirs,) = confirmed_orders(other.merchant, quantities=(1,))
    code = coupon_for(order).code
    # when the till sends codes that name no coupon it may redeem
    sent = {
        "malformed": "GB1:%%%",
        "missing_code": "   ",
        "not_for_this_merchant": code[:-6] + "000000",
        "wrong_merchant": coupon_for(theirs).code,
    }
    answers = {
        name: _redeem(client, station, {"code": text}) for name, text in sent.items()
    }
    # then each is a 400 with its own code (a 422 until 2026-12-06)
    assert {name: _refusal(answer) for name, answer in answers.items()} == {
        name: (400, name) for name in sent
    }
    assert not Redemption.objects.exists()


def test_more_units_than_the_coupon_has_is_a_400_bad_quantity(client):
    # given a 2-unit coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    # when the till asks for 5 (within what the schema takes)
    answer = _redeem(client, station, {"code": coupon_for(order).code, "quantity": 5})
    # then it is refused on the quantity sent (``fields`` was empty until
    # 2026-12-07: a till could not mark the field)
    assert _refusal(answer) == (400, "bad_quantity")
    assert answer.json()["fields"] == {"quantity": [answer.json()["message"]]}
    assert coupon_for(order).remaining_quantity == 2


def test_more_units_than_are_left_is_a_409_on_the_quantity(client):
    # given a 2-unit coupon with one unit used
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    code = coupon_for(order).code
    _redeem(client, station, {"code": code, "quantity": 1})
    # when the till asks for 2
    answer = _redeem(client, station, {"code": code, "quantity": 2})
    # then it is refused on the quantity sent, saying how many are left
    assert _refusal(answer) == (409, "not_enough_left")
    assert answer.json()["fields"] == {"quantity": [answer.json()["message"]]}
    assert coupon_for(order).remaining_quantity == 1


def test_a_branch_not_of_the_shop_is_a_400_bad_branch_on_branch_id(client):
    # given
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    # when
    answer = _redeem(
        client, station, {"code": coupon_for(order).code, "branch_id": "br_nope"}
    )
    # then
    assert _refusal(answer) == (400, "bad_branch")
    assert list(answer.json()["fields"]) == ["branch_id"]
    assert coupon_for(order).remaining_quantity == 1


def test_a_code_past_or_before_its_dates_is_a_409_as_a_swept_coupon_is():
    # given a coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    # when its code is checked after its signed expiry, and before its start
    refusals = {}
    day = timedelta(days=1)
    for now in (coupon.expires_at + day, coupon.issued_at - day):
        with pytest.raises(DomainError) as refusal:
            coupon_check_code(merchant=station.merchant, code=coupon.code, now=now)
        refusals[refusal.value.code] = refusal.value.status
    # then both are the coupon's state, 409 (the first was a 422 until
    # 2026-12-06, while the same coupon once swept answered 409)
    assert refusals == {"expired": 409, "not_yet_valid": 409}


def test_batch_refusals_are_400s_and_too_many_lines_a_413(client, monkeypatch):
    # given a shop, a coupon, and another shop's station
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    entry = _entry(coupon_for(order))
    # when batches it cannot take are uploaded
    forged = upload(client, station, _batch(other, [entry]))
    damaged = upload(client, station, b"not json")
    # (signed by this shop's station, for another merchant)
    for_other = _batch(station, [entry], merchant_id=other.merchant.public_id)
    foreign = upload(client, station, for_other)
    monkeypatch.setattr(
        "groupbuy.coupons.services.batches.MAX_REDEMPTIONS_PER_BATCH", 1
    )
    two_lines = _batch(station, [entry, _entry(coupon_for(order), "n2")])
    too_many = upload(client, station, two_lines)
    # then each says why, with the status of its kind
    assert [_refusal(r) for r in (forged, damaged, foreign, too_many)] == [
        (400, "bad_batch_signature"),
        (400, "malformed_batch"),
        (400, "wrong_merchant"),
        (413, "too_large"),
    ]
    assert not Redemption.objects.exists()


def test_a_key_of_the_wrong_length_is_the_services_400_on_public_key():
    # given (the API's schema refuses it first, 422; other callers reach the
    # service with it)
    station = make_station()
    # when
    with pytest.raises(DomainError) as refusal:
        merchant_key_register(
            actor=station.owner,
            merchant=station.merchant,
            public_key=b"x" * 31,
            signing_public_key=b"y" * 32,
            replace_current=True,
        )
    # then
    assert (refusal.value.code, refusal.value.status) == ("bad_key", 400)
    assert list(refusal.value.fields) == ["public_key"]


def test_another_shops_staff_and_a_shopper_are_refused_before_any_code_is_read(
    client,
):
    # given a shop's coupon
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    # when another shop's owner and a shopper use this shop's till, with a
    # code that would be refused anyway
    answers = [
        _redeem(client, station, {"code": "GB1:%%%"}, user)
        for user in (other.owner, order.shopper)
    ]
    # then they are refused as outsiders, not told about the code
    assert [a.status_code for a in answers] == [403, 403]


def test_outsiders_cannot_upload_a_shops_batch_or_register_its_key(client):
    # given a shop's real batch and a valid pair of station keys
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    batch = _batch(station, [_entry(coupon_for(order))])
    base = f"/api/coupons/merchants/{station.merchant.public_id}"
    keys = _station_keys() | {"replace_current": True}
    key_before = MerchantKey.objects.get(merchant=station.merchant, is_active=True)
    # when another shop's owner, the coupon's shopper and a stranger send them
    # to this shop's endpoints
    outsiders = (other.owner, order.shopper, make_user())
    uploads = [upload(client, station, batch, user) for user in outsiders]
    registers = [post(client, f"{base}/keys", keys, user) for user in outsiders]
    # then each is refused 403 before anything is read, and nothing changes
    assert [_refusal(r) for r in uploads + registers] == [(403, "forbidden")] * 6
    assert not RedemptionBatch.objects.exists()
    assert not Redemption.objects.exists()
    assert MerchantKey.objects.get(merchant=station.merchant, is_active=True) == (
        key_before
    )
