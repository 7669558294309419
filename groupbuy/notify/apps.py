from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "groupbuy.notify"
    label = "notify"
    verbose_name = "Notify"
