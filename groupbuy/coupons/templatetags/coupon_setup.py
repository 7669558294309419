"""{% merchant_coupon_key merchant as key %}: the key the merchant's coupons are
sealed to, or None while it has none (its buyers' coupons have no code yet)."""

from __future__ import annotations

from django import template

from groupbuy.coupons.selectors import merchant_key_active

register = template.Library()


@register.simple_tag
def merchant_coupon_key(merchant):
    return merchant_key_active(merchant=merchant)
