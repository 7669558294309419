from django.urls import path

from groupbuy.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.compose, name="compose"),
    path("threads/<str:share_id>/", views.thread, name="thread"),
    path("threads/<str:share_id>/voice/", views.voice_note, name="voice_note"),
    path(
        "threads/<str:share_id>/invitations/",
        views.thread_invitations_send,
        name="thread_invitations_send",
    ),
    path("products/<str:product_id>/", views.product_page, name="product"),
    path("contacts/", views.contacts, name="contacts"),
    path(
        "contacts/<str:book_id>/delete/",
        views.contacts_delete,
        name="contacts_delete",
    ),
    path("push/", views.push_settings, name="push_settings"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
