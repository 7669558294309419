from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "groupbuy.core"
    label = "core"
    verbose_name = "Core"
