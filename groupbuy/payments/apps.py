from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "groupbuy.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Register the jobs with Huey in every process (web and workers).
        from groupbuy.payments import tasks  # noqa: F401
