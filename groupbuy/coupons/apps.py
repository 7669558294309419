from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "groupbuy.coupons"
    label = "coupons"
    verbose_name = _("Coupons")

    def ready(self) -> None:
        from groupbuy.coupons import checks, receivers  # noqa: F401 - registers
