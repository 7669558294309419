from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "groupbuy.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from groupbuy.ops import jobs

        jobs.connect()
        from groupbuy.ops import receivers  # noqa: F401  (connects them)
