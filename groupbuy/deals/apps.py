from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "groupbuy.deals"
    label = "deals"
    verbose_name = "Deals"
