from django.urls import path

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
    path("operator/", operator.operator_home, name="operator_home"),
    path("manifest.webmanifest", site.manifest, name="manifest"),
]
