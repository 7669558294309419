from django.urls import path

from groupbuy.demands import initiator_views, views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("new/", views.demand_new, name="new"),
    path("<str:demand_id>/", views.demand_detail, name="detail"),
    path("<str:demand_id>/offers/", views.demand_offers, name="offers"),
    path("<str:demand_id>/deposit/", views.demand_deposit, name="deposit"),
    path("<str:demand_id>/publish/", views.demand_publish, name="publish"),
    path("<str:demand_id>/join/", views.demand_join, name="join"),
    path("<str:demand_id>/withdraw/", views.demand_withdraw, name="withdraw"),
    path("<str:demand_id>/cancel/", views.demand_cancel, name="cancel"),
    path("<str:demand_id>/deadline/", initiator_views.demand_deadline, name="deadline"),
    path("<str:demand_id>/photos/", initiator_views.demand_photo_add, name="photo_add"),
    path(
        "<str:demand_id>/photos/<str:photo_id>/delete/",
        initiator_views.demand_photo_delete,
        name="photo_delete",
    ),
    path("offers/<str:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path(
        "merchant/<str:merchant_id>/search/",
        views.merchant_search,
        name="merchant_search",
    ),
    path(
        "merchant/<str:merchant_id>/saved/<str:search_id>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "merchant/<str:merchant_id>/offer/<str:demand_id>/",
        views.merchant_offer,
        name="merchant_offer",
    ),
    path(
        "merchant/<str:merchant_id>/offers/<str:offer_id>/withdraw/",
        views.merchant_offer_withdraw,
        name="merchant_offer_withdraw",
    ),
]
