from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "groupbuy.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # Register the delivery task and the minute sweep with Huey in every
        # process, including `groupbuy serve`, whose in-process workers start
        # before any request would have imported them.
        from groupbuy.notify import receivers, tasks  # noqa: F401
