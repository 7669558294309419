from django.urls import path

from groupbuy.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<str:notification_id>/open/", views.notification_open, name="open"),
]
