from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "groupbuy.realtime"
    label = "realtime"
    verbose_name = "Realtime"
