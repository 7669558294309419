"""Platform signing keys and merchants' coupon keys.

``platform`` rotates and revokes the platform's signing keys, ``sealing`` keeps
their private seeds sealed with SECRET_KEY, ``platform_cache`` is each
process's copy of their public halves (the scan path), and ``merchant`` holds
the shops' keys that coupons are sealed to.
"""

from groupbuy.coupons.services.keys.merchant import (
    KEY_FILE_KIND,
    merchant_key_active,
    merchant_key_generate,
    merchant_key_register,
)
from groupbuy.coupons.services.keys.platform import (
    platform_id,
    platform_key_active,
    platform_key_revoke,
    platform_key_rotate,
    platform_keys_number,
    platform_keys_valid,
)
from groupbuy.coupons.services.keys.platform_cache import (
    KEY_CACHE_SECONDS,
    platform_keys_cached,
    platform_keys_changed,
)
from groupbuy.coupons.services.keys.sealing import platform_signing_seed

__all__ = [
    "KEY_CACHE_SECONDS",
    "KEY_FILE_KIND",
    "merchant_key_active",
    "merchant_key_generate",
    "merchant_key_register",
    "platform_id",
    "platform_key_active",
    "platform_key_revoke",
    "platform_key_rotate",
    "platform_keys_cached",
    "platform_keys_changed",
    "platform_keys_number",
    "platform_keys_valid",
    "platform_signing_seed",
]
