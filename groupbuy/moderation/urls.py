from django.urls import path

from groupbuy.moderation import views

app_name = "moderation"

urlpatterns = [
    # <kind_path>: a reportable kind's ``path`` ("replies", "pool-messages")
    path("<str:kind_path>/<str:item_id>/report/", views.report, name="report"),
]
