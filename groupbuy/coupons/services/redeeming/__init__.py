"""Redeem coupons online (the console) and settle each redemption.

A package of:

- ``online``: the till's and the API's redemption, with its idempotency key;
- ``codes``: reading a code and verifying it for the merchant;
- ``branches``: which branch a redemption is made at;
- ``taking``: taking units off a coupon and recording the redemption (every
  channel: online, a station's batch, a reinstated claim);
- ``settling``: moving the redeemed share to the merchant's payable;
- ``refusals``: why a coupon cannot be used, as the till and the coupon say.

The names other modules use are re-exported here.
"""

from groupbuy.coupons.services.redeeming.branches import (
    only_open_branch,
    redeeming_branch,
)
from groupbuy.coupons.services.redeeming.codes import (
    code_error,
    coupon_check_code,
    coupon_for_code,
    platform_key_map,
)
from groupbuy.coupons.services.redeeming.online import coupon_redeem_online
from groupbuy.coupons.services.redeeming.refusals import (
    already_redeemed_message,
    branch_closed_refusal,
    expired_message,
    revoked_message,
    unusable_message,
)
from groupbuy.coupons.services.redeeming.settling import (
    settle_redemption,
    settlement_key,
    settles_on_redemption,
)
from groupbuy.coupons.services.redeeming.taking import redeem_coupon, take_units

__all__ = [
    "already_redeemed_message",
    "branch_closed_refusal",
    "code_error",
    "coupon_check_code",
    "coupon_for_code",
    "coupon_redeem_online",
    "expired_message",
    "only_open_branch",
    "platform_key_map",
    "redeem_coupon",
    "redeeming_branch",
    "revoked_message",
    "settle_redemption",
    "settlement_key",
    "settles_on_redemption",
    "take_units",
    "unusable_message",
]
