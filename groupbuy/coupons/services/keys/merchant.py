"""Merchants' coupon keys: a station's registered public halves, or a key
pair the platform generates and hands over once as a key file."""

from __future__ import annotations

import base64
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.core.audit import audit_log
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import MerchantKey

KEY_FILE_KIND = "groupbuy-merchant-coupon-key"


def merchant_key_active(*, merchant: Merchant) -> MerchantKey | None:
    return MerchantKey.objects.filter(merchant=merchant, is_active=True).first()


def merchant_key_register(
    *,
    actor,
    merchant: Merchant,
    public_key: bytes,
    signing_public_key: bytes,
    device_name: str = "",
    origin: str = MerchantKey.Origin.STATION,
    replace_current: bool = False,
) -> MerchantKey:
    """Register a merchant's public keys; the previous active key retires.

    Replacing a key stops every station set up with it, so a shop that has
    one must say so (``replace_current``; else 409 ``key_exists``). A key once
    replaced is refused for good (409 ``key_replaced``): it may have been
    replaced because it leaked, and registering it again would re-seal every
    coupon to it and stop the new key's holders. The current key registered
    again is answered as it is, nothing re-sealed.

    Coupons already sealed to the old key stay readable by whoever holds its
    private half; new coupons are sealed to this one.
    """
    require_merchant_owner(actor, merchant)
    if len(public_key) != 32 or len(signing_public_key) != 32:
        raise CouponError(
            "bad_key",
            _("A public key has 32 bytes."),
            fields={"public_key": [_("A public key has 32 bytes.")]},
        )
    with transaction.atomic():
        Merchant.objects.select_for_update().get(pk=merchant.pk)
        current = merchant_key_active(merchant=merchant)
        if current is not None and _same_key(current, public_key, signing_public_key):
            return current
        _refuse_replaced_key(merchant, public_key, signing_public_key)
        if current is not None and not replace_current:
            raise CouponError(
                "key_exists",
                _(
                    "The shop already has a coupon key. Registering another "
                    "replaces it: every station set up with the current key "
                    "refuses coupons until it is set up again. To replace it, "
                    "send replace_current: true."
                ),
                status=409,
            )
        now = timezone.now()
        retired = MerchantKey.objects.filter(merchant=merchant, is_active=True)
        for old in retired:
            audit_log(actor=actor, action="coupons.merchant_key.retired", obj=old)
        retired.update(is_active=False, retired_at=now)
        key = MerchantKey.objects.create(
            merchant=merchant,
            public_key=public_key,
            signing_public_key=signing_public_key,
            origin=origin,
            device_name=device_name[:80],
        )
        audit_log(
            actor=actor,
            action="coupons.merchant_key.registered",
            obj=key,
            data={
                "merchant": merchant.public_id,
                "origin": origin,
                "device": key.device_name,
            },
        )
        from groupbuy.coupons.services.issuing import coupons_reseal_for_merchant

        coupons_reseal_for_merchant(actor=actor, merchant=merchant)
    return key


def _same_key(key: MerchantKey, public_key: bytes, signing_public_key: bytes):
    return (
        bytes(key.public_key) == public_key
        and bytes(key.signing_public_key) == signing_public_key
    )


def _refuse_replaced_key(
    merchant: Merchant, public_key: bytes, signing_public_key: bytes
) -> None:
    replaced = MerchantKey.objects.filter(merchant=merchant, is_active=False)
    for key in replaced:
        halves = (bytes(key.public_key), bytes(key.signing_public_key))
        if public_key in halves or signing_public_key in halves:
            raise CouponError(
                "key_replaced",
                _(
                    "This key was replaced and cannot be registered again: a "
                    "replaced key may have leaked. Set this station up with "
                    "new keys (groupbuy station init --force) or with the "
                    "shop's current key file."
                ),
                status=409,
            )


def merchant_key_generate(
    *, actor, merchant: Merchant, replace_current: bool = False
) -> tuple[MerchantKey, bytes]:
    """Generate a merchant's key pair on the platform (the patent's way).

    Return the key and a key file (JSON) holding the private halves: it is
    handed over once, here, and never stored. A shop that has a key must say
    it replaces it (``replace_current``), as for ``merchant_key_register``.
    """
    sealing = PrivateKey.generate()
    signing = SigningKey.generate()
    key = merchant_key_register(
        actor=actor,
        merchant=merchant,
        public_key=bytes(sealing.public_key),
        signing_public_key=bytes(signing.verify_key),
        origin=MerchantKey.Origin.PLATFORM,
        device_name="key file",
        replace_current=replace_current,
    )
    key_file = {
        "kind": KEY_FILE_KIND,
        "merchant_id": merchant.public_id,
        "key_id": key.public_id,
        "sealing_private_key": _b64(bytes(sealing)),
        "signing_private_key": _b64(bytes(signing)),
    }
    return key, json.dumps(key_file, indent=2).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
