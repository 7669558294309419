from django.apps import AppConfig


class ClockConfig(AppConfig):
    name = "groupbuy.clock"
    label = "clock"
    verbose_name = "Clock"
