"""Unredeemed coupons at expiry follow their deal's rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponExpiry
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupons_expire_due,
    deal_coupon_terms_set,
)
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station

pytestmark = pytest.mark.django_db


def test_expired_coupons_record_their_unredeemed_share_by_the_deal_rule():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    deal_coupon_terms_set(
        actor=station.owner, deal=order.deal, expiry_rule="pay_merchant"
    )
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    # when the sweep runs before and after the expiry (twice)
    assert coupons_expire_due(now=timezone.now()) == []
    assert coupons_expire_due(now=later) == [coupon_for(order).public_id]
    assert coupons_expire_due(now=later) == []
    # then the two unredeemed units are recorded for the merchant
    record = CouponExpiry.objects.get()
    assert (record.rule, record.quantity, record.amount_fen) == (
        "pay_merchant",
        2,
        2 * order.final_unit_price_fen,
    )
    assert coupon_for(order).status == "expired"


def test_the_default_rule_refunds_and_expired_coupons_cannot_be_redeemed():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    coupons_expire_due(now=later)
    assert CouponExpiry.objects.get().rule == "refund_shopper"
    with pytest.raises(DomainError):
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon_for(order).code
        )


def test_only_the_merchant_owner_sets_the_rule():
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    with pytest.raises(DomainError):
        deal_coupon_terms_set(
            actor=other.owner, deal=order.deal, expiry_rule="pay_merchant"
        )
