from django.apps import AppConfig


class SnapConfig(AppConfig):
    name = "groupbuy.snap"
    label = "snap"
    verbose_name = "Snap"

    def ready(self) -> None:
        from groupbuy.snap import receivers  # noqa: F401  (connects the receivers)
