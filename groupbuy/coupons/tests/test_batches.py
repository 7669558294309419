"""Batch import: partial units and the earliest offline redemption winning."""

import pytest

from groupbuy.core.models import AuditEntry
from groupbuy.coupons import batchfile
from groupbuy.coupons.models import Redemption, RedemptionBatch, RedemptionConflict
from groupbuy.coupons.services import batch_import, coupon_redeem_online
from groupbuy.coupons.services.offline_claims import Claim, earliest_that_fit
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.coupons.tests.test_api import auth
from groupbuy.coupons.tests.test_expiry_on_close import _pay_out
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import LedgerTransaction
from groupbuy.escrow.services import platform_fee_fen

pytestmark = pytest.mark.django_db


def batch_from(station, device: str, *claims) -> bytes:
    """A station's signed batch; each claim is (coupon, nonce, units, seconds
    after the coupon was issued)."""
    entries = [
        {
            "nonce": nonce,
            "serial": coupon.serial,
            "code": coupon.code,
            "quantity": units,
            "redeemed_at": int(coupon.issued_at.timestamp()) + seconds,
            "branch": "",
            "cashier": device,
        }
        for coupon, nonce, units, seconds in claims
    ]
    body = {
        "merchant_id": station.merchant.public_id,
        "device": device,
        "exported_at": 0,
        "redemptions": entries,
    }
    return batchfile.write(body, bytes(station.signing))


def upload(station, data: bytes) -> RedemptionBatch:
    return batch_import(actor=station.owner, merchant=station.merchant, data=data)


def counted(coupon) -> dict[str, int]:
    return {
        r.nonce.rsplit(":", 1)[-1]: r.quantity
        for r in Redemption.objects.filter(coupon=coupon, channel="offline")
    }


def conflicts(coupon) -> dict[str, str]:
    return {
        c.nonce.rsplit(":", 1)[-1]: c.reason
        for c in RedemptionConflict.objects.filter(coupon=coupon)
    }


def net(amount_fen: int) -> int:
    return amount_fen - platform_fee_fen(amount_fen)


@pytest.mark.parametrize("later_arrives_first", [True, False])
def test_the_earlier_of_two_stations_wins_whichever_batch_arrives_first(
    later_arrives_first,
):
    # given one coupon redeemed offline by two tills, at 10 s and at 60 s
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    early = batch_from(station, "till-a", (coupon, "early", 1, 10))
    late = batch_from(station, "till-b", (coupon, "late", 1, 60))
    # when both batches arrive, in either order (and again)
    arrivals = [late, early] if later_arrives_first else [early, late]
    first, second = (upload(station, data) for data in arrivals)
    upload(station, late)
    upload(station, early)
    # then the earlier redemption counts and the later one is the conflict
    assert counted(coupon_for(order)) == {"early": 1}
    reason = "superseded" if later_arrives_first else "already_redeemed"
    assert conflicts(coupon_for(order)) == {"late": reason}
    assert coupon_for(order).status == "redeemed"
    # and the batches' counts say what counts now
    late_batch = RedemptionBatch.objects.get(device="till-b")
    early_batch = RedemptionBatch.objects.get(device="till-a")
    assert (late_batch.accepted, late_batch.conflicts) == (0, 1)
    assert (early_batch.accepted, early_batch.conflicts) == (1, 0)
    # and the merchant is paid for the unit exactly once
    price = order.final_unit_price_fen
    assert balance_of("merchant_payable", merchant=station.merchant) == net(price)
    assert balance_of("merchant_pending", merchant=station.merchant) == 0
    assert_ledger_balanced()
    reversals = LedgerTransaction.objects.filter(kind="escrow.redemption.reversed")
    demotions = AuditEntry.objects.filter(action="coupons.redemption.superseded")
    assert reversals.count() == demotions.count() == int(later_arrives_first)
    assert first.pk != second.pk


def test_a_demotion_is_audited_with_what_superseded_it():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    upload(station, batch_from(station, "till-b", (coupon, "late", 1, 60)))
    upload(station, batch_from(station, "till-a", (coupon, "early", 1, 10)))
    event = AuditEntry.objects.get(action="coupons.redemption.superseded")
    assert event.data["nonce"].endswith(":late")
    assert event.data["superseded_by"].endswith(":early")
    assert event.data["amount_fen"] == order.final_unit_price_fen
    conflict = RedemptionConflict.objects.get()
    assert conflict.superseded_at is not None and conflict.device == "till-b"


def test_partial_units_offline_never_exceed_the_coupon_with_online_ones():
    # given a coupon for 3 units, 1 redeemed online at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    coupon = coupon_for(order)
    # when a station's batch claims 1 unit, then 2 more
    batch = upload(
        station,
        batch_from(station, "till-a", (coupon, "a", 1, 10), (coupon, "b", 2, 20)),
    )
    # then the first fits and the second is a conflict (only 1 left)
    assert (batch.accepted, batch.conflicts) == (1, 1)
    assert counted(coupon_for(order)) == {"a": 1}
    assert conflicts(coupon_for(order)) == {"b": "not_enough_left"}
    assert coupon_for(order).remaining_quantity == 1
    # and a later claim of the last unit still fits; nothing more does
    upload(station, batch_from(station, "till-b", (coupon, "c", 1, 30)))
    upload(station, batch_from(station, "till-c", (coupon, "d", 1, 40)))
    assert coupon_for(order).redeemed_quantity == 3
    assert coupon_for(order).status == "redeemed"
    assert conflicts(coupon_for(order)) == {
        "b": "not_enough_left",
        "d": "already_redeemed",
    }
    price = order.final_unit_price_fen
    payable = balance_of("merchant_payable", merchant=station.merchant)
    assert payable == 3 * net(price)
    assert_ledger_balanced()


@pytest.mark.parametrize(
    "arrivals", [("big", "small", "first"), ("first", "small", "big")]
)
def test_a_claim_that_lost_for_lack_of_units_is_reinstated_when_room_appears(
    arrivals,
):
    # given a coupon for 3 units and three offline claims:
    # first (1 unit at 10 s), big (3 units at 20 s), small (2 units at 30 s)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    claims = {
        "first": (coupon, "first", 1, 10),
        "big": (coupon, "big", 3, 20),
        "small": (coupon, "small", 2, 30),
    }
    # when their batches arrive in the given order
    for name in arrivals:
        upload(station, batch_from(station, f"till-{name}", claims[name]))
    # then, whatever the order, first and small count and big does not
    assert counted(coupon_for(order)) == {"first": 1, "small": 2}
    assert set(conflicts(coupon_for(order))) == {"big"}
    assert coupon_for(order).redeemed_quantity == 3
    price = order.final_unit_price_fen
    payable = balance_of("merchant_payable", merchant=station.merchant)
    assert payable == net(price) + net(2 * price)
    assert balance_of("merchant_pending", merchant=station.merchant) == 0
    assert_ledger_balanced()


def test_claims_are_weighed_by_time_then_nonce():
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    claims = [
        Claim("b", 1, at),
        Claim("a", 1, at),
        Claim("c", 2, at.replace(hour=1)),
        Claim("d", 1, at.replace(hour=2)),
    ]
    assert earliest_that_fit(claims, units=2) == {"a", "b"}
    assert earliest_that_fit(claims, units=3) == {"a", "b", "d"}
    assert earliest_that_fit(claims, units=0) == set()


def test_the_api_lists_a_superseded_redemption_with_when(client):
    from groupbuy.accounts.services import api_token_create

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    upload(station, batch_from(station, "till-b", (coupon, "late", 1, 60)))
    upload(station, batch_from(station, "till-a", (coupon, "early", 1, 10)))
    _token, secret = api_token_create(actor=station.owner)
    (listed,) = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/conflicts",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()["items"]
    assert (listed["reason"], listed["device"]) == ("superseded", "till-b")
    assert listed["superseded_at"] is not None


def test_the_batch_list_counts_redemptions_as_such_in_chinese():
    # given the console's line for an uploaded batch, read in Chinese: it counts
    # redemptions (one may be of 4 units), not units
    from django.template import Context, Template
    from django.utils import translation

    line = Template(
        "{% load i18n %}"
        "{% blocktranslate count c=conflicts with a=accepted r=rejected %}"
        "{{ a }} redeemed, {{ c }} conflict, {{ r }} refused{% plural %}"
        "{{ a }} redeemed, {{ c }} conflicts, {{ r }} refused{% endblocktranslate %}"
    )
    # when it is drawn
    with translation.override("zh-hans"):
        drawn = line.render(Context({"accepted": 1, "conflicts": 2, "rejected": 0}))
    # then each count is of 笔 (transactions), as the upload's own message says
    assert drawn == "核销 1 笔，冲突 2 笔，拒绝 0 笔"


def test_a_claim_the_ledger_refuses_waits_as_refused_by_it_not_paid_out(
    client, monkeypatch
):
    # given a later claim counted, whose reversal the ledger refuses for a
    # reason that is not the shop's money (a key used for another movement,
    # longer than the reason column's 20 characters)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    upload(station, batch_from(station, "till-b", (coupon, "late", 1, 60)))

    def refuse(**kwargs):
        raise EscrowError("idempotency_key_reused", "Key used for another movement.")

    monkeypatch.setattr("groupbuy.escrow.pending.escrow_reverse_redemption", refuse)
    # when the earlier claim arrives
    batch = upload(station, batch_from(station, "till-a", (coupon, "early", 1, 10)))
    # then the later claim keeps counting; the earlier waits as ledger_refused
    # (until 2026-12-07 paid_out, though nobody was paid out), its refusal's
    # code in the audit
    assert counted(coupon_for(order)) == {"late": 1}
    assert conflicts(coupon_for(order)) == {"early": "ledger_refused"}
    event = AuditEntry.objects.get(action="coupons.redemption.conflict")
    assert event.data["refusal"] == "idempotency_key_reused"
    # and the batch's answer gives it among its conflicts, a value its
    # document lists
    answer = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/batches/"
        f"{batch.public_id}",
        headers=auth(station.owner),
    ).json()
    assert [line["reason"] for line in answer["conflict_lines"]] == ["ledger_refused"]
    assert (answer["conflicts"], answer["rejected"]) == (1, 0)
    document = client.get("/api/openapi.json").json()
    listed = document["components"]["schemas"]["ConflictOut"]["properties"]
    assert "ledger_refused" in listed["reason"]["enum"]


def test_a_claim_whose_later_one_was_paid_out_waits_as_paid_out():
    # given a later claim counted and settled, and the shop paid out since
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    upload(station, batch_from(station, "till-b", (coupon, "late", 1, 60)))
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _pay_out(station.merchant, payable, "payout-1")
    # when the earlier claim arrives
    upload(station, batch_from(station, "till-a", (coupon, "early", 1, 10)))
    # then the later claim keeps counting and the earlier waits as paid_out,
    # the ledger's refusal in the audit; no money moved
    assert counted(coupon_for(order)) == {"late": 1}
    assert conflicts(coupon_for(order)) == {"early": "paid_out"}
    event = AuditEntry.objects.get(action="coupons.redemption.conflict")
    assert event.data["refusal"] == "insufficient_funds"
    assert balance_of("merchant_payable", merchant=station.merchant) == 0
    assert_ledger_balanced()
