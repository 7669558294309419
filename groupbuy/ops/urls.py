from django.urls import path

from groupbuy.ops import views

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
    path("operator/erasures/", views.erasure_queue, name="erasure_queue"),
    path(
        "operator/erasures/<str:request_id>/perform/",
        views.erasure_perform,
        name="erasure_perform",
    ),
]
