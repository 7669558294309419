from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscrowConfig(AppConfig):
    name = "groupbuy.escrow"
    label = "escrow"
    verbose_name = _("Escrow")

    def ready(self):
        # Register the jobs with Huey in every process (web and workers).
        from groupbuy.escrow import tasks  # noqa: F401
