from django.urls import path

from groupbuy.snap import history_views, operator_views, views

app_name = "snap"

urlpatterns = [
    path("", views.snap_page, name="snap"),
    path("code/", views.snap_code, name="code"),
    path("mine/", history_views.my_snaps, name="mine"),
    path(
        "mine/<str:snap_id>/photo/delete/",
        history_views.my_snap_photo_delete,
        name="mine_photo_delete",
    ),
    path("<str:snap_id>/choose/", views.snap_choose, name="choose"),
    path("<str:snap_id>/none/", views.snap_none, name="none"),
    path("operator/", operator_views.demand_page, name="operator_demand"),
    path(
        "operator/demand/fragment/",
        operator_views.demand_fragment,
        name="operator_demand_fragment",
    ),
    path(
        "operator/launch/<str:product_id>/",
        operator_views.launch_page,
        name="operator_launch",
    ),
    path("operator/queue/", operator_views.queue_page, name="operator_queue"),
    path(
        "operator/queue/<str:snap_id>/label/",
        operator_views.label_snap,
        name="operator_label",
    ),
    path(
        "operator/classifier/retrain/",
        operator_views.classifier_retrain,
        name="operator_classifier_retrain",
    ),
    path(
        "operator/products/",
        operator_views.product_search,
        name="operator_product_search",
    ),
]
