from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "groupbuy.notify"
    label = "notify"
    verbose_name = "Notify"

    def ready(self):
        # Register the delivery task and the minute sweep with Huey in every
        # process, including `groupbuy serve`, whose in-process workers start
        # before any request would have imported them.
        from groupbuy.notify import receivers, tasks  # noqa: F401
