from django.urls import path

app_name = "demands"
urlpatterns = []
