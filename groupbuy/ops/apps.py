from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "groupbuy.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from groupbuy.ops import jobs

        jobs.connect()
