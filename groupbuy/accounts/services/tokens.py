"""API tokens: named, listed, expiring, revocable by their owner."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import ApiToken, User
from groupbuy.accounts.reauth import RecentAuthentication
from groupbuy.accounts.services.users import without_nul
from groupbuy.core.audit import audit_log
from groupbuy.core.compiled import CompiledSelect, CompiledUpdate


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime(days: int | None) -> timedelta:
    longest = settings.GROUPBUY_API_TOKEN_DAYS
    if days is None:
        return timedelta(days=longest)
    if not 1 <= days <= longest:
        raise AccountError(
            "invalid",
            _("A token lives between 1 and %(days)d days.") % {"days": longest},
            fields={"days": [_("Choose 1 to %(days)d.") % {"days": longest}]},
        )
    return timedelta(days=days)


def api_token_create(
    *,
    actor: User,
    name: str = "",
    days: int | None = None,
    reauthentication: RecentAuthentication | None = None,
) -> tuple[ApiToken, str]:
    """Return the token row and its secret; the secret is shown once, never stored.

    ``reauthentication`` is what the request that asks proves (a person's own
    request for another token): a token may not create one, a session only
    with the password confirmed recently. Signing in (with a password or a
    texted code) passes none: that is the authentication."""
    if reauthentication is not None:
        reauthentication.require()
    lifetime = _lifetime(days)
    secret = "gbt_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            key_hash=api_token_hash(secret),
            name=without_nul(name).strip()[:60],
            expires_at=timezone.now() + lifetime,
        )
        audit_log(
            actor=actor,
            action="accounts.token.created",
            obj=token,
            data={"name": token.name, "expires_at": token.expires_at.isoformat()},
        )
    return token, secret


def _usable_token(*, key_hash: str, now):
    return ApiToken.objects.select_related("user").filter(
        key_hash=key_hash,
        user__is_active=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )


# Every API request reads its token and most note its use: both statements are
# built once per process (groupbuy.core.compiled), pinned to the querysets by
# accounts/tests/test_token_compiled.py.
_USABLE_TOKEN = CompiledSelect(_usable_token, key_hash=str, now=datetime)
_NOTE_USE = CompiledUpdate(
    lambda *, pk, now: (ApiToken.objects.filter(pk=pk), {"last_used_at": now}),
    pk=int,
    now=datetime,
)


def api_token_authenticate(secret: str) -> User | None:
    """Return the owner of a usable token (not revoked, not expired), else None."""
    now = timezone.now()
    token = _USABLE_TOKEN.first(key_hash=api_token_hash(secret), now=now)
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        _NOTE_USE(pk=token.pk, now=now)
    return token.user


def api_token_revoke(*, actor: User, token_id: str) -> ApiToken:
    """Revoke one of ``actor``'s tokens; revoking it again changes nothing."""
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(user=actor, public_id=without_nul(token_id))
            .first()
        )
        if token is None:
            # Someone else's token is as unknown as a made-up one.
            raise AccountError("not_found", _("No such token."), status=404)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_log(actor=actor, action="accounts.token.revoked", obj=token)
    return token


def api_tokens_revoke_all(
    *, actor: User, user: User, reason: str, keeping: str = ""
) -> int:
    """Revoke every live token of ``user`` (after a password reset or change)
    but the one whose secret is ``keeping``; return how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if keeping:
        tokens = tokens.exclude(key_hash=api_token_hash(keeping))
    count = tokens.update(revoked_at=timezone.now())
    if count:
        audit_log(
            actor=actor,
            action="accounts.token.revoked_all",
            obj=user,
            data={"count": count, "reason": reason},
        )
    return count
