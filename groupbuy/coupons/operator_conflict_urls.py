"""Every shop's offline conflicts, for operators, at /operator/coupon-conflicts/."""

from django.urls import path

from groupbuy.coupons.views import conflicts

app_name = "coupon_conflicts"

urlpatterns = [
    path("", conflicts.operator_conflicts, name="list"),
]
