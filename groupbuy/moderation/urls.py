from django.urls import path

from groupbuy.moderation import views

app_name = "moderation"

urlpatterns = [
    path(
        "replies/<str:message_id>/report/",
        views.report_reply,
        name="report_reply",
    ),
]
