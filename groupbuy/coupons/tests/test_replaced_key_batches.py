"""A station's batch signed with a key the shop has replaced (it may have
leaked) counts only the redemptions made before the replacement."""

from datetime import timedelta

import pytest
from django.utils import translation

from groupbuy.coupons.models import MerchantKey, Redemption, RedemptionConflict
from groupbuy.coupons.services import merchant_key_generate
from groupbuy.coupons.services.batches import KEY_REPLACED_GRACE
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.coupons.tests.test_api import _batch, _entry, auth, upload

pytestmark = pytest.mark.django_db


def test_a_replaced_keys_batch_counts_only_what_was_redeemed_before(client):
    # given three coupons, and the station's key replaced mid-batch
    station = make_station()
    before, in_grace, after = (
        coupon_for(order)
        for order in confirmed_orders(station.merchant, quantities=(1, 1, 1))
    )
    old_key = MerchantKey.objects.get(merchant=station.merchant, is_active=True)
    merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    replaced_at = before.issued_at + timedelta(seconds=100)
    MerchantKey.objects.filter(pk=old_key.pk).update(retired_at=replaced_at)

    def at(coupon, nonce, moment):
        return {**_entry(coupon, nonce), "redeemed_at": int(moment.timestamp())}

    # when the old station uploads redemptions made a minute before the
    # replacement, within the grace after it, and well after it
    data = _batch(
        station,
        [
            at(before, "n1", replaced_at - timedelta(minutes=1)),
            at(in_grace, "n2", replaced_at + KEY_REPLACED_GRACE - timedelta(seconds=1)),
            at(after, "n3", replaced_at + KEY_REPLACED_GRACE + timedelta(seconds=1)),
        ],
    )
    answer = upload(client, station, data)
    # then the first two count, and the last is a conflict saying why
    assert answer.status_code == 200
    assert (answer.json()["accepted"], answer.json()["conflicts"]) == (2, 1)
    counted = Redemption.objects.values_list("coupon__serial", flat=True)
    assert sorted(counted) == sorted([before.serial, in_grace.serial])
    conflict = RedemptionConflict.objects.get()
    assert (conflict.coupon, conflict.reason) == (after, "key_replaced")
    with translation.override("en"):  # (the upload ran in the owner's language)
        reason = conflict.get_reason_display()
    assert reason == "Redeemed after its station's key was replaced"
    # its unit is still the shopper's, and the conflict is listed for the shop
    after.refresh_from_db()
    assert after.remaining_quantity == 1
    listed = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/conflicts",
        headers=auth(station.owner),
    ).json()["items"]
    assert [(item["serial"], item["reason"]) for item in listed] == [
        (after.serial, "key_replaced")
    ]
