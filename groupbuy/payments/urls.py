from django.urls import path

from groupbuy.payments import views

app_name = "payments"

urlpatterns = [
    path("pay/<str:intent_id>/", views.pay, name="pay"),
    path("notify/<str:provider_name>/", views.provider_notify, name="notify"),
    path(
        "wechat/openid/return/",
        views.wechat_oauth_return,
        name="wechat_oauth_return",
    ),
    path("operator/payouts/", views.operator_payouts, name="operator_payouts"),
    path("operator/fees/", views.operator_fees, name="operator_fees"),
    path(
        "merchant/<str:merchant_id>/payouts/",
        views.merchant_payouts,
        name="merchant_payouts",
    ),
]
