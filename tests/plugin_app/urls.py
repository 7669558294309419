from django.shortcuts import render
from django.urls import path

app_name = "plugin_app"


def home(request):
    return render(request, "plugin_app/home.html")


urlpatterns = [
    path("", home, name="home"),
    path("merchants/<str:merchant_id>/", home, name="merchant_report"),
]
