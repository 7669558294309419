from django.urls import path

from groupbuy.pooling import views

app_name = "pooling"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("buyers/", views.buyers, name="buyers"),
    path("branches/<str:branch_id>/", views.branch, name="branch"),
    path("pools/<str:pool_id>/", views.pool, name="pool"),
    path("pools/<str:pool_id>/answer/", views.pool_answer, name="pool_answer"),
    path("pools/<str:pool_id>/phone/", views.pool_phone, name="pool_phone"),
    path("pools/<str:pool_id>/chat/", views.pool_chat, name="pool_chat"),
    path(
        "merchant/<str:merchant_id>/promotions/",
        views.merchant_promotions,
        name="merchant_promotions",
    ),
]
