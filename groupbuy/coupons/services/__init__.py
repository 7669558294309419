"""Every write of the coupons app."""

from groupbuy.coupons.services.batches import batch_import
from groupbuy.coupons.services.branch_settings import branch_offline_set
from groupbuy.coupons.services.expiry import coupons_expire_due, deal_coupon_terms_set
from groupbuy.coupons.services.issuing import (
    coupon_issue_for_order,
    coupon_revoke,
    coupon_revoke_for_order,
    coupons_reseal_for_merchant,
)
from groupbuy.coupons.services.keys import (
    merchant_key_generate,
    merchant_key_register,
    platform_key_active,
    platform_key_revoke,
    platform_key_rotate,
)
from groupbuy.coupons.services.redeeming import (
    coupon_check_code,
    coupon_redeem_online,
)
from groupbuy.coupons.services.refunding import (
    coupon_refund_by_merchant,
    coupon_refund_unused,
)
from groupbuy.coupons.services.revoking import coupon_revoke_by_operator

__all__ = [
    "batch_import",
    "branch_offline_set",
    "coupon_check_code",
    "coupon_issue_for_order",
    "coupon_redeem_online",
    "coupon_refund_by_merchant",
    "coupon_refund_unused",
    "coupon_revoke",
    "coupon_revoke_by_operator",
    "coupon_revoke_for_order",
    "coupons_expire_due",
    "coupons_reseal_for_merchant",
    "deal_coupon_terms_set",
    "merchant_key_generate",
    "merchant_key_register",
    "platform_key_active",
    "platform_key_revoke",
    "platform_key_rotate",
]
