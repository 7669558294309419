"""A coupon setting that is not one of its choices stops the start (it is read
from the environment: docs/coupons.md#settings)."""

from django.core.checks import Error, register


@register()
def check_expiry_rule(app_configs, **kwargs) -> list[Error]:
    from groupbuy.coupons.models import ExpiryRule
    from groupbuy.coupons.services.expiry import default_expiry_rule

    rule = default_expiry_rule()
    if rule in ExpiryRule.values:
        return []
    return [
        Error(
            f"GROUPBUY_COUPON_EXPIRY_RULE {rule!r} is not an expiry rule.",
            hint="One of: " + ", ".join(ExpiryRule.values) + ".",
            id="coupons.E001",
        )
    ]
