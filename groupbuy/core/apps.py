from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "groupbuy.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Register the production checks (manage.py check --deploy, serve, worker).
        from groupbuy.core import checks  # noqa: F401
