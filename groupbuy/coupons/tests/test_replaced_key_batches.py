"""A station's batch signed with a key the shop has replaced (it may have
leaked) counts only the redemptions made before the replacement."""

from datetime import timedelta

import pytest
from django.utils import translation

from groupbuy.coupons.models import (
    MerchantKey,
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
)
from groupbuy.coupons.services import (
    batch_import,
    coupon_redeem_online,
    merchant_key_generate,
)
from groupbuy.coupons.services.batches import KEY_REPLACED_GRACE
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.coupons.tests.test_api import _batch, _entry, auth, upload

pytestmark = pytest.mark.django_db


def _replaced_mid_batch(station):
    """Three coupons, and a batch of the station's key, replaced while it
    redeemed them: one redeemed a minute before the replacement, one within
    the grace after it, one well after it."""
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

    data = _batch(
        station,
        [
            at(before, "n1", replaced_at - timedelta(minutes=1)),
            at(in_grace, "n2", replaced_at + KEY_REPLACED_GRACE - timedelta(seconds=1)),
            at(after, "n3", replaced_at + KEY_REPLACED_GRACE + timedelta(seconds=1)),
        ],
    )
    return (before, in_grace, after), data


def test_a_replaced_keys_batch_counts_only_what_was_redeemed_before(client):
    # given three coupons, and the station's key replaced mid-batch
    station = make_station()
    (before, in_grace, after), data = _replaced_mid_batch(station)
    # when the old station uploads its batch
    answer = upload(client, station, data)
    # then the first two count, and the last is refused, kept as a conflict
    # line saying why (until 2026-12-06 counted among the batch's conflicts)
    assert answer.status_code == 200
    counts = {key: answer.json()[key] for key in ("accepted", "conflicts", "rejected")}
    assert counts == {"accepted": 2, "conflicts": 0, "rejected": 1}
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


def test_a_key_replaced_line_is_refused_on_the_batchs_page_and_api(client):
    # given a batch whose last line was signed after its key was replaced
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    (_before, _in_grace, after), data = _replaced_mid_batch(station)
    batch_id = upload(client, station, data).json()["batch_id"]
    base = f"/api/coupons/merchants/{station.merchant.public_id}/batches"
    # when the shop reads its batches, the batch, and its console
    (listed,) = client.get(base, headers=auth(station.owner)).json()["items"]
    detail = client.get(f"{base}/{batch_id}", headers=auth(station.owner)).json()
    client.force_login(station.owner)
    console = client.get(
        f"/coupons/merchant/{station.merchant.public_id}/"
    ).content.decode()
    # then each counts it refused, not a conflict, and the batch lists it
    # among its refused lines
    for answer in (listed, detail):
        counts = {key: answer[key] for key in ("accepted", "conflicts", "rejected")}
        assert counts == {"accepted": 2, "conflicts": 0, "rejected": 1}
    assert detail["conflict_lines"] == []
    assert [(line["serial"], line["reason"]) for line in detail["refused_lines"]] == [
        (after.serial, "key_replaced")
    ]
    assert "2 redeemed, 0 conflicts, 1 refused" in console


def test_the_migration_counts_earlier_key_replaced_lines_refused_once():
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "groupbuy.coupons.migrations.0015_key_replaced_lines_refused"
    )
    # given a batch imported while its key_replaced line counted as a conflict
    station = make_station()
    _coupons, data = _replaced_mid_batch(station)
    replaced = batch_import(actor=station.owner, merchant=station.merchant, data=data)
    RedemptionBatch.objects.filter(pk=replaced.pk).update(conflicts=1, rejected=0)
    # and another shop's batch with an ordinary conflict (used online first)
    other_shop = make_station(name="Other Mart")
    (order,) = confirmed_orders(other_shop.merchant, quantities=(1,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=other_shop.owner, merchant=other_shop.merchant, code=coupon.code
    )
    ordinary = batch_import(
        actor=other_shop.owner,
        merchant=other_shop.merchant,
        data=_batch(other_shop, [_entry(coupon, "n9")]),
    )
    # when the migration runs, twice
    for _run in range(2):
        migration.count_key_replaced_lines_refused(apps, None)
    # then the first batch counts its key_replaced line refused, once; the
    # other's conflict stays a conflict
    counts = {
        batch.pk: (batch.accepted, batch.conflicts, batch.rejected)
        for batch in RedemptionBatch.objects.all()
    }
    assert counts == {replaced.pk: (2, 0, 1), ordinary.pk: (0, 1, 0)}
