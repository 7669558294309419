"""The platform keys' private seeds, sealed with a key derived from SECRET_KEY."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from groupbuy.core.audit import audit_log
from groupbuy.coupons.models import PlatformKey


def _secret_box(secret_key: str | None = None) -> SecretBox:
    key = hashlib.blake2b(
        (secret_key or settings.SECRET_KEY).encode("utf-8"),
        digest_size=32,
        person=b"gb-coupon-keys",
    ).digest()
    return SecretBox(key)


def platform_seed_seal(seed: bytes) -> bytes:
    """Return a new key's private seed sealed with SECRET_KEY, as it is stored."""
    return bytes(_secret_box().encrypt(seed))


def platform_signing_seed(key: PlatformKey) -> bytes:
    """Open the key's private seed with SECRET_KEY or, after a rotation, with
    one of SECRET_KEY_FALLBACKS, which then re-seals it with SECRET_KEY.

    So rotating SECRET_KEY the way docs/deployment.md says (the old one kept in
    the fallbacks for a while) keeps coupons being issued, and the fallback can
    go once every process runs with the new key and a coupon was issued.
    """
    sealed = bytes(key.sealed_private_key)
    try:
        return _secret_box().decrypt(sealed)
    except CryptoError:
        pass
    for fallback in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        try:
            seed = _secret_box(fallback).decrypt(sealed)
        except CryptoError:
            continue
        _reseal(key, sealed=sealed, seed=seed)
        return seed
    raise ImproperlyConfigured(
        f"The coupon platform key {key.key_id} was sealed with another SECRET_KEY: "
        "put the previous SECRET_KEY in SECRET_KEY_FALLBACKS (docs/deployment.md, "
        "'Rotating secrets'), or rotate the platform key in the admin."
    )


def _reseal(key: PlatformKey, *, sealed: bytes, seed: bytes) -> None:
    # Conditional, so processes re-sealing at once write it once.
    resealed = PlatformKey.objects.filter(pk=key.pk, sealed_private_key=sealed).update(
        sealed_private_key=platform_seed_seal(seed)
    )
    if resealed:
        audit_log(
            actor=None,
            action="coupons.platform_key.resealed",
            obj=key,
            data={"key_id": key.key_id},
        )
