"""A whole-coupon refund the release before refunds of some units made while
this one was being deployed (coupons 0017 applied, old code still serving):
its row has no escrow key and its coupon no refunded units. The statement
still counts it, and a periodic job gives it both."""

import pytest
from django.db import transaction

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons import tasks
from groupbuy.coupons.models import CouponRefund
from groupbuy.coupons.services import coupon_refund_unused
from groupbuy.coupons.services.issuing import coupon_revoke
from groupbuy.coupons.tests.factories import (
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.deals.services import deal_order_units_refunded
from groupbuy.escrow.takeback import escrow_take_back_released

pytestmark = pytest.mark.django_db
OLD_KEY_PREFIX = "coupons.refund_unused:"  # the release before's refund_key


def _refund_the_old_way(coupon) -> CouponRefund:
    """What the release before's ``_refund`` wrote for a shopper's refund of
    a coupon of a deal that paid the shop at close: every unit left, under
    the key ``coupons.refund_unused:<serial>``, a row naming neither that key
    nor the units left, the coupon revoked without its refunded units."""
    shopper = coupon.shopper
    quantity = coupon.quantity - coupon.redeemed_quantity
    amount_fen = quantity * coupon.unit_price_fen
    with transaction.atomic():
        escrow_take_back_released(
            actor=shopper,
            order=coupon.order,
            amount_fen=amount_fen,
            idempotency_key=f"{OLD_KEY_PREFIX}{coupon.serial}",
            reason="coupon_refunded",
        )
        # Only the columns the old model knew: the rest take their db_default.
        refund = CouponRefund.objects.create(
            coupon=coupon,
            quantity=quantity,
            amount_fen=amount_fen,
            outcome=CouponRefund.Outcome.TAKEN_BACK,
            refunded_by=shopper,
        )
        deal_order_units_refunded(
            actor=shopper,
            order_id=coupon.order_id,
            amount_fen=amount_fen,
            every_unit=True,
            reason="",
            refund_reason="",
        )
        coupon_revoke(actor=shopper, coupon=coupon, reason="refunded_unused")
    return refund


def _old_refund(station):
    (order,) = confirmed_orders(
        station.merchant, quantities=(3,), settlement_mode="on_close"
    )
    coupon = coupon_for(order)
    payable = balance_of("merchant_payable", merchant=station.merchant)
    refund = _refund_the_old_way(coupon)
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    return coupon, refund, taken


def _statement(client, station) -> dict:
    _token, secret = api_token_create(actor=station.owner)
    return client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()


def test_the_statement_counts_a_refund_the_release_before_made(client):
    # given a whole-coupon refund written the old way, with no escrow key
    station = make_station()
    coupon, _refund, taken = _old_refund(station)
    assert taken > 0 and CouponRefund.objects.get().escrow_key == ""
    # when the owner reads this month's statement, before any job ran
    body = _statement(client, station)
    # then its take-back is counted, in the line and in the totals
    assert [(r["serial"], r["taken_back_fen"]) for r in body["refunds"]] == [
        (coupon.serial, taken)
    ]
    assert body["taken_back_fen"] == taken


def test_the_job_gives_an_old_refund_its_key_and_its_coupon_the_units_once(client):
    # given an old refund and a refund of some units made by this release
    station = make_station()
    coupon, refund, taken = _old_refund(station)
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    recent = coupon_refund_unused(
        actor=order.shopper, coupon=coupon_for(order), units=1
    )
    # when the job runs, twice
    filled = tasks.coupon_refunds_fill_keys.call_local()
    again = tasks.coupon_refunds_fill_keys.call_local()
    # then the old refund has the key its money moved under, and its coupon
    # counts its units as refunded; the job changes nothing the second time
    # and never touches this release's refunds
    assert (filled, again) == (1, 0)
    refund.refresh_from_db()
    coupon.refresh_from_db()
    assert refund.escrow_key == f"{OLD_KEY_PREFIX}{coupon.serial}"
    assert (coupon.refunded_quantity, coupon.remaining_quantity) == (3, 0)
    assert CouponRefund.objects.get(pk=recent.pk).escrow_key == recent.escrow_key
    assert coupon_for(order).refunded_quantity == 1
    # and the statement reads the same as before the job
    body = _statement(client, station)
    assert body["taken_back_fen"] == taken
