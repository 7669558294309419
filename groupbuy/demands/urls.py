from django.urls import path

from groupbuy.demands import views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("new/", views.demand_new, name="new"),
    path("<str:demand_id>/", views.demand_detail, name="detail"),
    path("<str:demand_id>/deposit/", views.demand_deposit, name="deposit"),
    path("<str:demand_id>/publish/", views.demand_publish, name="publish"),
    path("<str:demand_id>/join/", views.demand_join, name="join"),
    path("<str:demand_id>/withdraw/", views.demand_withdraw, name="withdraw"),
    path("<str:demand_id>/cancel/", views.demand_cancel, name="cancel"),
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
]
