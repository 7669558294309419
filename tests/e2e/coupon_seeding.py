"""Seed the coupon journey inside the server's Django (run through `shell`)."""

from __future__ import annotations

PASSWORD = "coupon-journey-1"


def seed_confirmed_coupon(*, shopper_phone: str, owner_phone: str) -> dict:
    """A merchant with a station key and one confirmed order of 2 units."""
    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    from groupbuy.accounts.models import User
    from groupbuy.accounts.services import merchant_membership_add
    from groupbuy.catalog.models import Branch
    from groupbuy.coupons.models import Coupon
    from groupbuy.coupons.services import merchant_key_register
    from groupbuy.deals.services import deal_close, deal_orders_follow_up, deal_settle
    from groupbuy.deals.tests.factories import (
        join_and_pay,
        make_deal,
        make_merchant,
        pass_deadline,
    )

    owner = User.objects.create_user(phone=owner_phone, password=PASSWORD)
    shopper = User.objects.create_user(
        phone=shopper_phone, password=PASSWORD, preferred_language="en"
    )
    merchant = make_merchant(name="Coupon Mart")
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    Branch.objects.create(
        merchant=merchant,
        name="Harbour branch",
        address="1 Pier",
        latitude=31.2,
        longitude=121.5,
    )
    merchant_key_register(
        actor=owner,
        merchant=merchant,
        public_key=bytes(PrivateKey.generate().public_key),
        signing_public_key=bytes(SigningKey.generate().verify_key),
    )
    deal = make_deal(merchant=merchant, tiers=[(1, 1_500)], stock=10)
    order = join_and_pay(deal, quantity=2, shopper=shopper)
    pass_deadline(deal)
    deal_settle(deal=deal_close(deal=deal))
    # The settlement's follow-up job issues the coupon; run it here (a no-op if
    # a worker got there first) rather than wait for one.
    deal_orders_follow_up(order_ids=[order.pk])
    coupon = Coupon.objects.get(order=order)
    return {
        "coupon": coupon.public_id,
        "order": order.public_id,
        "merchant": merchant.public_id,
        "serial": coupon.serial,
        "code": coupon.code,
    }


def seed_operator(*, phone: str) -> dict:
    """An operator who may use the admin (its coupons' Revoke action)."""
    from groupbuy.accounts.models import User

    User.objects.create_user(
        phone=phone,
        password=PASSWORD,
        preferred_language="en",
        is_staff=True,
        is_superuser=True,
    )
    return {"operator": phone}


def coupon_expires_in(*, coupon: str, seconds: int) -> dict:
    """Move a coupon's expiry to ``seconds`` from now (its code keeps its own)."""
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.coupons.models import Coupon

    expires_at = timezone.now() + timedelta(seconds=seconds)
    Coupon.objects.filter(public_id=coupon).update(expires_at=expires_at)
    return {"expires_at": expires_at.isoformat()}
