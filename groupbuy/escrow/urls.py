from django.urls import path

from groupbuy.escrow import views

app_name = "escrow"

urlpatterns = [
    path("sandbox/pay/<str:intent_id>/", views.sandbox_pay, name="sandbox_pay"),
]
