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


def test_owners_set_the_rule_on_the_page_and_by_api(client):
    from groupbuy.accounts.services import api_token_create
    from groupbuy.coupons.services.expiry import expiry_rule_for

    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    deal = order.deal
    client.force_login(station.owner)
    page = (
        f"/coupons/merchant/{station.merchant.public_id}/deals/{deal.public_id}/terms/"
    )
    assert client.post(page, {"expiry_rule": "pay_merchant"}).status_code == 302
    assert expiry_rule_for(deal) == "pay_merchant"
    client.force_login(other.owner)
    assert client.post(page, {"expiry_rule": "refund_shopper"}).status_code == 403
    _token, secret = api_token_create(actor=other.owner)
    url = (
        f"/api/coupons/merchants/{station.merchant.public_id}/deals/"
        f"{deal.public_id}/terms"
    )
    response = client.post(
        url,
        {"expiry_rule": "refund_shopper"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    _token, secret = api_token_create(actor=station.owner)
    response = client.post(
        url,
        {"expiry_rule": "refund_shopper"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.json() == {
        "deal_id": deal.public_id,
        "expiry_rule": "refund_shopper",
    }
