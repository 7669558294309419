from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from groupbuy.web.views import auth, deals, merchant, money, operator, orders, site

app_name = "web"

urlpatterns = [
    path("", deals.deal_list, name="deal_list"),
    path("signup/", auth.signup, name="signup"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("me/", auth.profile, name="profile"),
    path("orders/", orders.order_list, name="order_list"),
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
    path("operator/", operator.operator_home, name="operator_home"),
    # The URL carries ?lang=…, so a cached catalog never outlives a language switch.
    path(
        "jsi18n/",
        cache_control(max_age=86400)(JavaScriptCatalog.as_view()),
        name="jsi18n",
    ),
    path("manifest.webmanifest", site.manifest, name="manifest"),
]
