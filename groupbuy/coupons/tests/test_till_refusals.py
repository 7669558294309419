"""What the till says of a coupon that cannot be used: what happened, and when."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import Coupon, CouponRefund
from groupbuy.coupons.services import (
    coupon_check_code,
    coupon_redeem_online,
    coupon_refund_unused,
    coupon_revoke,
)
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station

pytestmark = pytest.mark.django_db

# 17:30 UTC on the 4th is 01:30 on the 5th in the shop's zone (Asia/Shanghai).
EVENING_UTC = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)


def _refusal(station, coupon, language="en") -> DomainError:
    with translation.override(language), pytest.raises(DomainError) as error:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    return error.value


def test_a_coupon_its_shopper_refunded_says_it_was_refunded_and_when():
    # given a coupon refunded by its shopper late on the 4th (UTC)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    CouponRefund.objects.filter(coupon=coupon).update(refunded_at=EVENING_UTC)
    # when the cashier scans it, in English and in Chinese
    english, chinese = _refusal(station, coupon), _refusal(station, coupon, "zh-hans")
    # then it says it was refunded, on the shop's day
    assert (english.code, english.status) == ("revoked", 409)
    assert english.message == (
        "This coupon was refunded on Dec. 5, 2026; it cannot be used."
    )
    assert "2026年12月5日" in chinese.message


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            "order_refunded",
            "This coupon was cancelled on Dec. 5, 2026, as its order was "
            "refunded; it cannot be used.",
        ),
        (
            "order_cancelled",
            "This coupon was cancelled on Dec. 5, 2026, as its order was "
            "cancelled; it cannot be used.",
        ),
        ("operator", "This coupon was revoked on Dec. 5, 2026; it cannot be used."),
    ],
)
def test_a_revoked_coupon_says_why_and_when(reason, message):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_revoke(actor=None, coupon=coupon_for(order), reason=reason)
    Coupon.objects.filter(pk=coupon.pk).update(revoked_at=EVENING_UTC)
    refusal = _refusal(station, coupon)
    assert (refusal.code, refusal.message) == ("revoked", message)


def test_an_expired_coupon_says_when_it_expired():
    # given a coupon expiring late on the 4th (UTC), marked expired by the sweep
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    Coupon.objects.filter(pk=coupon.pk).update(
        status=Coupon.Status.EXPIRED, expires_at=EVENING_UTC
    )
    # when it is scanned
    refusal = _refusal(station, coupon)
    # then the till says on which day (the shop's) it expired
    assert (refusal.code, refusal.message) == (
        "expired",
        "This coupon expired on Dec. 5, 2026.",
    )
    assert "2026年12月5日" in _refusal(station, coupon, "zh-hans").message


def test_a_code_past_its_signed_expiry_says_when_it_expired():
    # given a code scanned after the expiry it carries, before the sweep ran
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    later = coupon.expires_at + timedelta(minutes=1)
    # when the till checks it
    with translation.override("en"), pytest.raises(DomainError) as error:
        coupon_check_code(merchant=station.merchant, code=coupon.code, now=later)
    # then it names the coupon's expiry day, not a bare "has expired"
    expected = translation.override("en")
    with expected:
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        day = date_format(localtime(coupon.expires_at), "DATE_FORMAT")
    assert (error.value.code, error.value.message) == (
        "expired",
        f"This coupon expired on {day}.",
    )
