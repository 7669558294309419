from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "groupbuy.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Register the production checks (manage.py check --deploy, serve, worker).
        from groupbuy.core import checks  # noqa: F401
