"""The platform's coupon signing keys: the active one, rotation, revocation."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.signing import SigningKey

from groupbuy.catalog.permissions import require_operator
from groupbuy.core.audit import audit_log
from groupbuy.core.ids import new_public_id
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, PlatformKey
from groupbuy.coupons.services.keys.platform_cache import (
    platform_keys_changed_on_commit,
)
from groupbuy.coupons.services.keys.sealing import platform_seed_seal


def platform_id() -> str:
    return getattr(settings, "GROUPBUY_COUPON_PLATFORM_ID", "gb")


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
            sealed_private_key=platform_seed_seal(bytes(seed)),
        )
        audit_log(
            actor=actor,
            action="coupons.platform_key.created",
            obj=key,
            data={"key_id": key.key_id},
        )
        platform_keys_changed_on_commit()
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
        platform_keys_changed_on_commit()
    return key


def platform_keys_valid(*, now=None) -> list[PlatformKey]:
    """Return the keys that still verify: active, or retired and not yet past."""
    now = now or timezone.now()
    keys = PlatformKey.objects.exclude(state=PlatformKey.State.REVOKED)
    return [k for k in keys if k.verifies_until is None or k.verifies_until >= now]
