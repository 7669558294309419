"""The operators' queue of reports, at /operator/reports/."""

from django.urls import path

from groupbuy.moderation import views

app_name = "moderation_operator"

urlpatterns = [
    path("", views.operator_reports, name="reports"),
    path("<str:report_id>/", views.operator_report, name="report"),
    path("<str:report_id>/hide/", views.operator_report_hide, name="hide"),
    path("<str:report_id>/dismiss/", views.operator_report_dismiss, name="dismiss"),
]
