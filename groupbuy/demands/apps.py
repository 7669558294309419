from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "groupbuy.demands"
    label = "demands"
    verbose_name = _("Buyer demands")

    def ready(self):
        from groupbuy.demands.deposits import (
            DEPOSIT_PURPOSE,
            deposit_captured,
            deposit_failed,
        )
        from groupbuy.escrow.handlers import (
            register_capture_handler,
            register_payment_failed_handler,
        )

        register_capture_handler(DEPOSIT_PURPOSE, deposit_captured)
        register_payment_failed_handler(DEPOSIT_PURPOSE, deposit_failed)
        from groupbuy.demands import checks, tasks  # noqa: F401
