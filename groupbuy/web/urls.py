from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from groupbuy.web.views import (
    account_security,
    auth,
    deals,
    merchant,
    merchant_catalogue,
    merchant_deal_actions,
    merchant_money,
    merchant_orders,
    merchant_products,
    merchant_sales,
    merchant_staff,
    merchant_unit_refunds,
    money,
    operator,
    orders,
    site,
    staff_invitations,
)

app_name = "web"

urlpatterns = [
    path("", deals.deal_list, name="deal_list"),
    path("signup/", auth.signup, name="signup"),
    path(
        "signup/verify/<str:verification_id>/",
        auth.signup_verify,
        name="signup_verify",
    ),
    path(
        "signup/verify/<str:verification_id>/resend/",
        auth.signup_resend,
        name="signup_resend",
    ),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path(
        "password/reset/<str:verification_id>/",
        auth.password_reset_verify,
        name="password_reset_verify",
    ),
    path(
        "password/reset/<str:verification_id>/resend/",
        auth.password_reset_resend,
        name="password_reset_resend",
    ),
    path("me/", auth.profile, name="profile"),
    path("language/", auth.language_switch, name="language_switch"),
    path("me/password/", account_security.password_change, name="password_change"),
    path(
        "me/password/<str:verification_id>/",
        account_security.password_change_verify,
        name="password_change_verify",
    ),
    path("me/phone/", account_security.phone_verify, name="phone_verify"),
    path("me/phone/change/", account_security.phone_change, name="phone_change"),
    path(
        "me/phone/change/<str:verification_id>/",
        account_security.phone_change_code,
        name="phone_change_code",
    ),
    path(
        "me/phone/<str:verification_id>/",
        account_security.phone_verify_code,
        name="phone_verify_code",
    ),
    path(
        "me/notifications/",
        account_security.notification_settings,
        name="notification_settings",
    ),
    path("me/tokens/", account_security.api_tokens, name="api_tokens"),
    path(
        "me/tokens/<str:token_id>/revoke/",
        account_security.api_token_revoke,
        name="api_token_revoke",
    ),
    path(
        "me/staff-invitations/",
        staff_invitations.staff_invitations,
        name="staff_invitations",
    ),
    path(
        "me/staff-invitations/<str:invitation_id>/accept/",
        staff_invitations.staff_invitation_accept_view,
        name="staff_invitation_accept",
    ),
    path(
        "me/staff-invitations/<str:invitation_id>/decline/",
        staff_invitations.staff_invitation_decline_view,
        name="staff_invitation_decline",
    ),
    path("deals/<str:deal_id>/", deals.deal_detail, name="deal_detail"),
    path("deals/<str:deal_id>/join/", deals.deal_join_view, name="deal_join"),
    path(
        "deals/<str:deal_id>/join/resume/",
        deals.deal_join_resume,
        name="deal_join_resume",
    ),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<str:order_id>/status/", orders.order_status, name="order_status"),
    path("orders/<str:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path(
        "orders/<str:order_id>/pay-again/",
        orders.order_pay_again,
        name="order_pay_again",
    ),
    path("more/", site.more, name="more"),
    path("source.tar.gz", site.source_code, name="source_code"),
    path("money/", money.money, name="money"),
    path("merchant/", merchant.merchant_home, name="merchant_home"),
    path(
        "merchant/<str:merchant_id>/",
        merchant.merchant_dashboard,
        name="merchant_dashboard",
    ),
    path(
        "merchant/<str:merchant_id>/listings/",
        merchant.merchant_listings,
        name="merchant_listings",
    ),
    path(
        "merchant/<str:merchant_id>/listings/new/",
        merchant.merchant_listing_create,
        name="merchant_listing_create",
    ),
    path(
        "merchant/<str:merchant_id>/listings/<str:listing_id>/",
        merchant.merchant_listing_edit,
        name="merchant_listing_edit",
    ),
    path(
        "merchant/<str:merchant_id>/products/",
        merchant_products.merchant_products,
        name="merchant_products",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/",
        merchant_catalogue.merchant_catalogue,
        name="merchant_catalogue",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/import/",
        merchant_catalogue.merchant_catalogue_import,
        name="merchant_catalogue_import",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/export.csv",
        merchant_catalogue.merchant_catalogue_export,
        name="merchant_catalogue_export",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/template.csv",
        merchant_catalogue.merchant_catalogue_template,
        name="merchant_catalogue_template",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/imports/<str:import_id>/",
        merchant_catalogue.merchant_catalogue_preview,
        name="merchant_catalogue_preview",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/imports/<str:import_id>/progress/",
        merchant_catalogue.merchant_catalogue_progress,
        name="merchant_catalogue_progress",
    ),
    path(
        "merchant/<str:merchant_id>/catalogue/imports/<str:import_id>/confirm/",
        merchant_catalogue.merchant_catalogue_confirm,
        name="merchant_catalogue_confirm",
    ),
    path(
        "merchant/<str:merchant_id>/products/new/",
        merchant_products.merchant_product_create,
        name="merchant_product_create",
    ),
    path(
        "merchant/<str:merchant_id>/products/<str:product_id>/edit/",
        merchant_products.merchant_product_edit,
        name="merchant_product_edit",
    ),
    path(
        "merchant/<str:merchant_id>/products/<str:product_id>/photos/<str:image_id>/",
        merchant_products.merchant_product_photo_update,
        name="merchant_product_photo_update",
    ),
    path(
        "merchant/<str:merchant_id>/products/<str:product_id>/photos/<str:image_id>/"
        "remove/",
        merchant_products.merchant_product_photo_remove,
        name="merchant_product_photo_remove",
    ),
    path(
        "merchant/<str:merchant_id>/deals/",
        merchant.merchant_deals,
        name="merchant_deals",
    ),
    path(
        "merchant/<str:merchant_id>/deals/new/",
        merchant.merchant_deal_create,
        name="merchant_deal_create",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/",
        merchant.merchant_deal_detail,
        name="merchant_deal_detail",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/edit/",
        merchant.merchant_deal_edit,
        name="merchant_deal_edit",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/open/",
        merchant_deal_actions.merchant_deal_open,
        name="merchant_deal_open",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/orders/<str:order_id>/refund/",
        merchant_orders.merchant_order_refund,
        name="merchant_order_refund",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/orders/<str:order_id>/"
        "refund-units/",
        merchant_unit_refunds.merchant_order_refund_units,
        name="merchant_order_refund_units",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/stock/",
        merchant_deal_actions.merchant_deal_add_stock,
        name="merchant_deal_add_stock",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/deadline/",
        merchant_deal_actions.merchant_deal_extend,
        name="merchant_deal_extend",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/close/",
        merchant_deal_actions.merchant_deal_close,
        name="merchant_deal_close",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/stop/",
        merchant_deal_actions.merchant_deal_stop,
        name="merchant_deal_stop",
    ),
    path(
        "merchant/<str:merchant_id>/orders/",
        merchant_orders.merchant_order_list,
        name="merchant_orders",
    ),
    path(
        "merchant/<str:merchant_id>/orders/export.csv",
        merchant_orders.merchant_order_export,
        name="merchant_order_export",
    ),
    path(
        "merchant/<str:merchant_id>/sales/",
        merchant_sales.merchant_sales_page,
        name="merchant_sales",
    ),
    path(
        "merchant/<str:merchant_id>/staff/",
        merchant_staff.merchant_staff,
        name="merchant_staff",
    ),
    path(
        "merchant/<str:merchant_id>/staff/<str:membership_id>/remove/",
        merchant_staff.merchant_staff_remove,
        name="merchant_staff_remove",
    ),
    path(
        "merchant/<str:merchant_id>/staff/<str:membership_id>/role/",
        merchant_staff.merchant_staff_role,
        name="merchant_staff_role",
    ),
    path(
        "merchant/<str:merchant_id>/profile/",
        merchant_staff.merchant_profile,
        name="merchant_profile",
    ),
    path(
        "merchant/<str:merchant_id>/branches/new/",
        merchant_staff.merchant_branch_create,
        name="merchant_branch_create",
    ),
    path(
        "merchant/<str:merchant_id>/branches/<str:branch_id>/",
        merchant_staff.merchant_branch_edit,
        name="merchant_branch_edit",
    ),
    path(
        "merchant/<str:merchant_id>/branches/<str:branch_id>/status/",
        merchant_staff.merchant_branch_status,
        name="merchant_branch_status",
    ),
    path(
        "merchant/<str:merchant_id>/money/",
        merchant_money.merchant_money,
        name="merchant_money",
    ),
    path("operator/", operator.operator_home, name="operator_home"),
    path("operator/lookup/", operator.operator_lookup, name="operator_lookup"),
    path(
        "operator/people/<str:user_id>/",
        operator.operator_person,
        name="operator_person",
    ),
    path(
        "operator/orders/<str:order_id>/",
        operator.operator_order,
        name="operator_order",
    ),
    path(
        "operator/payments/<str:payment_id>/",
        operator.operator_payment,
        name="operator_payment",
    ),
    path(
        "operator/merchants/new/",
        operator.operator_merchant_new,
        name="operator_merchant_new",
    ),
    # The URL carries ?lang=…, so a cached catalog never outlives a language switch.
    path(
        "jsi18n/",
        cache_control(max_age=86400)(JavaScriptCatalog.as_view()),
        name="jsi18n",
    ),
    path("manifest.webmanifest", site.manifest, name="manifest"),
]
