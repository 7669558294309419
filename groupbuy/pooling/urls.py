from django.urls import path

from groupbuy.pooling import views

app_name = "pooling"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("buyers/", views.buyers, name="buyers"),
    path("carts/", views.carts, name="carts"),
    path("carts/<str:cart_id>/delete/", views.cart_delete, name="cart_delete"),
    path("requests/<str:pool_request_id>/", views.request_detail, name="request"),
    path(
        "requests/<str:request_id>/withdraw/",
        views.request_withdraw,
        name="request_withdraw",
    ),
    path("contacts/<str:contact_id>/", views.contact, name="contact"),
    path(
        "contacts/<str:contact_id>/answer/",
        views.contact_answer,
        name="contact_answer",
    ),
    path("contacts/<str:contact_id>/chat/", views.contact_chat, name="contact_chat"),
    path("contacts/<str:contact_id>/end/", views.contact_end, name="contact_end"),
    path(
        "contacts/<str:contact_id>/reopen/",
        views.contact_reopen,
        name="contact_reopen",
    ),
    path("branches/<str:branch_id>/", views.branch, name="branch"),
    path("pools/<str:pool_id>/", views.pool, name="pool"),
    path("pools/<str:pool_id>/answer/", views.pool_answer, name="pool_answer"),
    path("pools/<str:pool_id>/phone/", views.pool_phone, name="pool_phone"),
    path("pools/<str:pool_id>/chat/", views.pool_chat, name="pool_chat"),
    path("pools/<str:pool_id>/leave/", views.pool_leave, name="pool_leave"),
    path(
        "merchant/<str:merchant_id>/promotions/",
        views.merchant_promotions,
        name="merchant_promotions",
    ),
    path(
        "merchant/<str:merchant_id>/promotions/<str:promotion_id>/end/",
        views.merchant_promotion_end,
        name="merchant_promotion_end",
    ),
]
