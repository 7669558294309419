from django.apps import AppConfig


class CouponsConfig(AppConfig):
    name = "groupbuy.coupons"
    label = "coupons"
    verbose_name = "Coupons"

    def ready(self) -> None:
        from groupbuy.coupons import receivers  # noqa: F401 - connects the signals
