from django.urls import path

from groupbuy.accounts import views

app_name = "accounts"

urlpatterns = [
    path("email/verification/", views.email_verification_send, name="email_send"),
    path("email/verify/<str:token>/", views.email_verify, name="email_verify"),
]
