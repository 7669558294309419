"""Coupons (CN102509141A): keys, issued coupons, redemptions, offline batches.

A confirmed order gets one coupon; its text is signed by a platform key and
sealed to one of the merchant's keys. The platform keeps the text's digest, so
the console finds the coupon a code belongs to without the merchant's private
key, which by default never leaves the merchant's station.
"""

from groupbuy.coupons.models.coupons import (
    Coupon,
    EarlierCode,
)
from groupbuy.coupons.models.keys import (
    MerchantKey,
    PlatformKey,
)
from groupbuy.coupons.models.redemptions import (
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
    Revocation,
)
from groupbuy.coupons.models.terms import (
    BranchSettings,
    CouponExpiry,
    CouponRefund,
    DealCouponTerms,
    ExpiryRule,
)

__all__ = [
    "BranchSettings",
    "Coupon",
    "CouponExpiry",
    "CouponRefund",
    "DealCouponTerms",
    "EarlierCode",
    "ExpiryRule",
    "MerchantKey",
    "PlatformKey",
    "Redemption",
    "RedemptionBatch",
    "RedemptionConflict",
    "Revocation",
]
