"""An operator revokes a coupon, at /operator/coupons/ (linked from the
operator's page of its order)."""

from django.urls import path

from groupbuy.coupons.views import operator

app_name = "coupons_operator"

urlpatterns = [
    path("<str:coupon_id>/revoke/", operator.coupon_revoke, name="revoke"),
]
