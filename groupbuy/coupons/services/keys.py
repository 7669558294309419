"""Platform signing keys and merchants' coupon keys."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey
from nacl.secret import SecretBox
from nacl.signing import SigningKey

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import require_merchant_owner, require_operator
from groupbuy.core.audit import audit_log
from groupbuy.core.ids import new_public_id
from groupbuy.core.transactions import after_commit
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, MerchantKey, PlatformKey

KEY_FILE_KIND = "groupbuy-merchant-coupon-key"


def platform_id() -> str:
    return getattr(settings, "GROUPBUY_COUPON_PLATFORM_ID", "gb")


def _secret_box(secret_key: str | None = None) -> SecretBox:
    key = hashlib.blake2b(
        (secret_key or settings.SECRET_KEY).encode("utf-8"),
        digest_size=32,
        person=b"gb-coupon-keys",
    ).digest()
    return SecretBox(key)


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
        sealed_private_key=bytes(_secret_box().encrypt(seed))
    )
    if resealed:
        audit_log(
            actor=None,
            action="coupons.platform_key.resealed",
            obj=key,
            data={"key_id": key.key_id},
        )


def platform_key_active() -> PlatformKey:
    """Return the active signing key, creating the first one on first use."""
    key = PlatformKey.objects.filter(state=PlatformKey.State.ACTIVE).first()
    return key or platform_key_rotate(actor=None)


def platform_key_rotate(*, actor, current_key_id: str | None = None) -> PlatformKey:
    """Retire the active key (it verifies until its coupons expire); add a new one.

    ``current_key_id`` names the key the operator saw active: if another
    rotation retired it meanwhile (the same form sent twice), nothing changes
    (409 ``already_rotated``).
    """
    if actor is not None:
        require_operator(actor)
    with transaction.atomic():
        current = (
            PlatformKey.objects.select_for_update()
            .filter(state=PlatformKey.State.ACTIVE)
            .first()
        )
        if current_key_id is not None and (
            current is None or current.public_id != current_key_id
        ):
            raise CouponError(
                "already_rotated",
                _("The key was rotated meanwhile: a newer key signs coupons now."),
                status=409,
            )
        if current is not None:
            _retire(actor, current)
        seed = SigningKey.generate()
        next_id = (PlatformKey.objects.aggregate(top=Max("key_id"))["top"] or 0) + 1
        key = PlatformKey.objects.create(
            key_id=next_id,
            public_key=bytes(seed.verify_key),
            sealed_private_key=bytes(_secret_box().encrypt(bytes(seed))),
        )
        audit_log(
            actor=actor,
            action="coupons.platform_key.created",
            obj=key,
            data={"key_id": key.key_id},
        )
        _announce_change()
    return key


def _retire(actor, key: PlatformKey) -> None:
    now = timezone.now()
    last_expiry = Coupon.objects.filter(platform_key=key).aggregate(
        last=Max("expires_at")
    )["last"]
    key.state = PlatformKey.State.RETIRED
    key.retired_at = now
    key.verifies_until = max(last_expiry or now, now)
    key.save(update_fields=["state", "retired_at", "verifies_until"])
    audit_log(
        actor=actor,
        action="coupons.platform_key.retired",
        obj=key,
        data={"key_id": key.key_id, "verifies_until": key.verifies_until.isoformat()},
    )


def platform_keys_number() -> int:
    """Give each signing key without an opaque number one; return how many.

    Migration 0018 numbered the keys made before it, but one the release before
    makes during the rolling deploy (a first coupon, a rotation in the admin)
    has none, and operators' pages and API name a key by its number: without
    one it could not be revoked. The operators' reads call this first. Each key
    is numbered by a conditional UPDATE, so two pages read at once number it
    once (the second updates nothing and reads the first one's number)."""
    numbered = 0
    unnumbered = PlatformKey.objects.filter(public_id__isnull=True)
    for key in list(unnumbered.only("pk", "key_id")):
        with transaction.atomic():
            key.public_id = new_public_id("pkey")
            if not unnumbered.filter(pk=key.pk).update(public_id=key.public_id):
                continue
            audit_log(
                actor=None,
                action="coupons.platform_key.numbered",
                obj=key,
                data={"key_id": key.key_id},
            )
        numbered += 1
    return numbered


def platform_key_revoke(*, actor, key: PlatformKey) -> PlatformKey:
    """Stop a (leaked) retired key verifying anything at once: the coupons it
    signed are refused from now on. The active key and a key already revoked
    are refused (409), so a revocation sent twice changes nothing."""
    require_operator(actor)
    with transaction.atomic():
        key = PlatformKey.objects.select_for_update().get(pk=key.pk)
        if key.state == PlatformKey.State.ACTIVE:
            raise CouponError(
                "active_key",
                _("Rotate first: the active key cannot be revoked."),
                status=409,
            )
        if key.state == PlatformKey.State.REVOKED:
            raise CouponError(
                "already_revoked", _("This key is already revoked."), status=409
            )
        key.state = PlatformKey.State.REVOKED
        key.revoked_at = key.verifies_until = timezone.now()
        key.save(update_fields=["state", "verifies_until", "revoked_at"])
        audit_log(
            actor=actor,
            action="coupons.platform_key.revoked",
            obj=key,
            data={"key_id": key.key_id},
        )
        _announce_change()
    return key


# Every scan verifies against the platform keys, which change a few times a
# year. Each process keeps them (never their private halves) and reloads when
# the shared cache's stamp changes (a rotation or revocation in any process),
# or after KEY_CACHE_SECONDS whatever happens.
KEY_CACHE_SECONDS = 300
_STAMP = "coupons:platform-keys:stamp"
# (stamp, loaded at, rows), replaced whole so that threads never see half of it.
_snapshot: tuple | None = None


def _shared_stamp():
    try:
        return cache.get(_STAMP)
    except Exception:  # the cache is down: read the database every time
        return object()


def platform_keys_changed() -> None:
    """Make every process reload the platform keys (now and after commit)."""
    global _snapshot
    _snapshot = None
    # If the cache is down, each process reloads within KEY_CACHE_SECONDS.
    with contextlib.suppress(Exception):
        cache.set(_STAMP, secrets.token_hex(8), None)


def _announce_change() -> None:
    platform_keys_changed()
    # A process reading before this commits could cache the old keys again.
    after_commit(platform_keys_changed)


def platform_keys_cached() -> tuple[tuple[int, bytes, object], ...]:
    """Return (key id, public key, verifies until) of every key not revoked,
    from this process's copy when it is current."""
    global _snapshot
    stamp = _shared_stamp()
    snapshot = _snapshot
    if (
        snapshot is not None
        and snapshot[0] == stamp
        and time.monotonic() - snapshot[1] <= KEY_CACHE_SECONDS
    ):
        return snapshot[2]
    rows = tuple(
        (key.key_id, bytes(key.public_key), key.verifies_until)
        for key in PlatformKey.objects.exclude(state=PlatformKey.State.REVOKED)
    )
    _snapshot = (stamp, time.monotonic(), rows)
    return rows


def platform_keys_valid(*, now=None) -> list[PlatformKey]:
    """Return the keys that still verify: active, or retired and not yet past."""
    now = now or timezone.now()
    keys = PlatformKey.objects.exclude(state=PlatformKey.State.REVOKED)
    return [k for k in keys if k.verifies_until is None or k.verifies_until >= now]


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


def branch_offline_set(*, actor, branch, enabled: bool):
    """Allow or forbid offline redemption at a branch (an explicit choice)."""
    from groupbuy.coupons.models import BranchSettings

    require_merchant_owner(actor, branch.merchant)
    with transaction.atomic():
        settings_row, _created = (
            BranchSettings.objects.select_for_update().get_or_create(branch=branch)
        )
        if settings_row.offline_enabled != enabled:
            settings_row.offline_enabled = enabled
            settings_row.save(update_fields=["offline_enabled"])
            audit_log(
                actor=actor,
                action="coupons.branch.offline_set",
                obj=branch,
                data={"offline_enabled": enabled},
            )
    return settings_row
