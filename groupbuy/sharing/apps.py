from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "groupbuy.sharing"
    label = "sharing"
    verbose_name = "Sharing"

    def ready(self):
        from groupbuy.sharing import receivers, tasks  # noqa: F401
