"""The operators' coupon signing keys, at /operator/coupon-keys/."""

from django.urls import path

from groupbuy.coupons.views import operator

app_name = "coupon_keys"

urlpatterns = [
    path("", operator.platform_keys, name="list"),
    path("rotate/", operator.platform_key_rotate, name="rotate"),
    path("<str:key_id>/revoke/", operator.platform_key_revoke, name="revoke"),
]
