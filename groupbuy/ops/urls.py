from django.urls import path

from groupbuy.ops import audit_views, shop_switch_views, views
from groupbuy.ops import shop_application_views as shops

app_name = "ops"

urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/export.zip", views.my_data_export, name="my_data_export"),
    path("account/data/erasure/", views.my_data_erasure, name="my_data_erasure"),
    path(
        "account/data/erasure/cancel/",
        views.my_data_erasure_cancel,
        name="my_data_erasure_cancel",
    ),
    path("operator/audit/", audit_views.operator_audit, name="operator_audit"),
    path("operator/erasures/", views.erasure_queue, name="erasure_queue"),
    path(
        "operator/erasures/<str:request_id>/",
        views.erasure_confirm,
        name="erasure_confirm",
    ),
    path(
        "operator/erasures/<str:request_id>/perform/",
        views.erasure_perform,
        name="erasure_perform",
    ),
    path("shop/", shops.shop_apply, name="shop_apply"),
    path(
        "shop/applications/<str:application_id>/",
        shops.shop_application,
        name="shop_application",
    ),
    path(
        "shop/applications/<str:application_id>/withdraw/",
        shops.shop_application_withdraw_view,
        name="shop_application_withdraw",
    ),
    path(
        "operator/shop-applications/",
        shops.operator_shop_applications,
        name="operator_shop_applications",
    ),
    path(
        "operator/shop-applications/<str:application_id>/",
        shops.operator_shop_application,
        name="operator_shop_application",
    ),
    path(
        "operator/shop-applications/<str:application_id>/approve/",
        shops.operator_shop_application_approve,
        name="operator_shop_application_approve",
    ),
    path(
        "operator/shop-applications/<str:application_id>/decline/",
        shops.operator_shop_application_decline,
        name="operator_shop_application_decline",
    ),
    path(
        "operator/shops/<str:merchant_id>/",
        shop_switch_views.operator_shop,
        name="operator_shop",
    ),
    path(
        "operator/shops/<str:merchant_id>/switch-off/",
        shop_switch_views.operator_shop_switch_off,
        name="operator_shop_switch_off",
    ),
    path(
        "operator/shops/<str:merchant_id>/switch-on/",
        shop_switch_views.operator_shop_switch_on,
        name="operator_shop_switch_on",
    ),
]
