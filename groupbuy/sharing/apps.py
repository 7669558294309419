from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "groupbuy.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self):
        from groupbuy.sharing import receivers, tasks  # noqa: F401
