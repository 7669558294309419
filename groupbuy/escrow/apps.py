from django.apps import AppConfig


class EscrowConfig(AppConfig):
    name = "groupbuy.escrow"
    label = "escrow"
    verbose_name = "Escrow"

    def ready(self):
        # Register the jobs with Huey in every process (web and workers).
        from groupbuy.escrow import tasks  # noqa: F401
