from django.urls import path

from groupbuy.sharing import views

app_name = "sharing_links"

urlpatterns = [path("<str:code>", views.link_open, name="open")]
