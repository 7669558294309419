"""Coupon pages: the shopper's coupons (shopper), the merchant's till (till)
and the shop's coupon back office (merchant). A package since 2026-12-06, when
views.py had grown past 600 lines; urls.py's views.<name> is unchanged."""

from groupbuy.coupons.views.conflicts import merchant_conflicts
from groupbuy.coupons.views.merchant import (
    merchant_coupon_refund,
    merchant_deal_terms,
    merchant_statement,
)
from groupbuy.coupons.views.shopper import (
    coupon_detail,
    coupon_list,
    coupon_pdf,
    coupon_png,
    coupon_refund,
)
from groupbuy.coupons.views.till import (
    merchant_batch_upload,
    merchant_branch_offline,
    merchant_console,
    merchant_home,
    merchant_key_file,
    merchant_redeem,
)

__all__ = [
    "coupon_detail",
    "coupon_list",
    "coupon_pdf",
    "coupon_png",
    "coupon_refund",
    "merchant_batch_upload",
    "merchant_branch_offline",
    "merchant_conflicts",
    "merchant_console",
    "merchant_coupon_refund",
    "merchant_deal_terms",
    "merchant_home",
    "merchant_key_file",
    "merchant_redeem",
    "merchant_statement",
]
