from django.urls import path

from groupbuy.teams import views

app_name = "teams"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("deals/<str:deal_id>/", views.deal, name="deal"),
    path("deals/<str:deal_id>/open/", views.open_team, name="open"),
    path("deals/<str:deal_id>/any/", views.join_any, name="any"),
    path("t/<str:team_id>/", views.team, name="team"),
    path("t/<str:team_id>/join/", views.join, name="join"),
    path("t/<str:team_id>/payment/", views.team_payment, name="payment"),
    path("t/<str:team_id>/pay-again/", views.pay_again, name="pay_again"),
    path("t/<str:team_id>/leave/", views.leave, name="leave"),
    path("merchant/<str:merchant_id>/", views.merchant_deals, name="merchant_deals"),
    path(
        "merchant/<str:merchant_id>/deals/new/",
        views.merchant_deal_create,
        name="merchant_deal_create",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/",
        views.merchant_teams,
        name="merchant_teams",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/stock/",
        views.merchant_add_stock,
        name="merchant_add_stock",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/extend/",
        views.merchant_extend,
        name="merchant_extend",
    ),
]
