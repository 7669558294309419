"""Read a coupon code the till sent: find the coupon it was issued as and
verify its signed bytes for the merchant redeeming it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.coupons import codec
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon
from groupbuy.coupons.services.issuing import code_digest
from groupbuy.coupons.services.keys import (
    platform_id,
    platform_keys_cached,
    platform_keys_changed,
)
from groupbuy.coupons.services.redeeming.refusals import expired_message

# A code that is not yet or no longer valid is the coupon's state, as a
# coupon the sweep marked expired is (409); any other refusal of a code is a
# value the till sent that names no coupon it may redeem (400, as every
# service's refusal of a well-formed value: docs/api.md, Errors).
_CODE_ERROR_STATUS = {
    codec.CodeError.NOT_YET_VALID: 409,
    codec.CodeError.EXPIRED: 409,
}


def code_error(error: codec.CodeError) -> CouponError:
    status = _CODE_ERROR_STATUS.get(error.code, 400)
    return CouponError(error.code, codec.refusal_message(error, _), status=status)


def platform_key_map(*, now: datetime | None = None) -> dict:
    """Return the platform keys that verify at ``now``, as the codec takes them
    (from the process's copy: no query, no key decoding per scan)."""
    now = now or timezone.now()
    platform = platform_id()
    return {
        (platform, key_id): codec.PlatformKey(
            verify_key=public_key,
            valid_until=int(until.timestamp()) if until else None,
        )
        for key_id, public_key, until in platform_keys_cached()
        if until is None or until >= now
    }


def coupon_check_code(*, merchant: Merchant, code: str, now=None) -> Coupon:
    """Return the coupon ``code`` is for, verified for ``merchant``; else raise."""
    now = now or timezone.now()
    code = (code or "").strip()
    if not code:
        raise CouponError("missing_code", _("Scan or type a coupon code."))
    coupon = coupon_for_code(code)
    if coupon is None:
        try:
            codec.from_text(code)
        except codec.CodeError as error:
            raise code_error(error) from error
        # Well formed but never issued as such: altered, or re-sealed by a
        # merchant to another one (the sign-then-encrypt attack).
        raise code_error(codec.CodeError(codec.CodeError.NOT_FOR_THIS_MERCHANT, ""))
    try:
        _verify(coupon, merchant, now)
    except codec.CodeError as error:
        if error.code == codec.CodeError.EXPIRED:
            # The code carries the date: say which day it was.
            raise CouponError("expired", expired_message(coupon), status=409) from error
        if error.code != codec.CodeError.UNKNOWN_KEY:
            raise code_error(error) from error
        # A key made a moment ago in another process: read the keys again once.
        platform_keys_changed()
        try:
            _verify(coupon, merchant, now)
        except codec.CodeError as error:
            raise code_error(error) from error
    return coupon


def coupon_for_code(code: str) -> Coupon | None:
    """Return the coupon issued with the text ``code``: its current code, or
    one it had before the merchant's key was replaced (a screenshot, a printed
    coupon). The text must be exactly one the platform issued; its signed
    bytes are verified by the caller either way."""
    digest = code_digest(code)
    # the shopper: told of the redemption (coupons.live)
    coupons = Coupon.objects.select_related("order__deal", "shopper")
    coupon = coupons.filter(code_digest=digest).first()
    if coupon is None:
        coupon = coupons.filter(earlier_codes__code_digest=digest).first()
    return coupon


def _verify(coupon: Coupon, merchant: Merchant, now: datetime) -> None:
    codec.verify_signed(
        bytes(coupon.signed),
        merchant_id=merchant.public_id,
        platform_keys=platform_key_map(now=now),
        now=int(now.timestamp()),
    )
