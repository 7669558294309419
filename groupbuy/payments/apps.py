from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "groupbuy.payments"
    label = "payments"
    verbose_name = _("Payment providers")

    def ready(self):
        # Register the jobs with Huey in every process (web and workers).
        from groupbuy.payments import tasks  # noqa: F401
