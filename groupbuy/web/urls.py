from django.urls import path

from groupbuy.web import views

app_name = "web"

urlpatterns = [
    path("", views.deal_list, name="deal_list"),
    path("login/", views.login_view, name="login"),
]
