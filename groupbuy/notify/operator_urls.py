"""The operators' page of failed deliveries, at /operator/deliveries/."""

from django.urls import path

from groupbuy.notify import operator_views

app_name = "notify_operator"

urlpatterns = [
    path("", operator_views.failed_deliveries, name="failed"),
    path("retry/", operator_views.failed_deliveries_retry, name="retry"),
]
