from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "groupbuy.web"
    label = "web"
    verbose_name = "Web"
