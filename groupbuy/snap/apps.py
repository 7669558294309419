from django.apps import AppConfig


class SnapConfig(AppConfig):
    name = "groupbuy.snap"
    label = "snap"
    verbose_name = "Snap"
