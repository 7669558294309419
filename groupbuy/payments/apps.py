from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "groupbuy.payments"
    label = "payments"
    verbose_name = "Payments"
