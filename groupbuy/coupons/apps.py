from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "groupbuy.coupons"
    label = "coupons"
    verbose_name = _("Coupons")

    def ready(self) -> None:
        from groupbuy.coupons import checks, receivers  # noqa: F401 - registers
        from groupbuy.escrow.handlers import register_refund_reasons

        # The operator's payment page says why a coupon's money went back.
        register_refund_reasons(
            {
                "coupon_refunded": _("Unused coupon units refunded"),
                "coupon_expired": _("Coupon expired unused"),
            }
        )
