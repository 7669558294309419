from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import ApiToken, MerchantMembership, User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.audit import audit_log


def _validation_error(field: str, error: ValidationError) -> AccountError:
    messages = [str(m) for m in error.messages]
    return AccountError("invalid", messages[0], fields={field: messages})


def user_sign_up(
    *,
    phone: str,
    password: str,
    display_name: str = "",
    preferred_language: str = User.Language.ZH_HANS,
    email: str = "",
) -> User:
    """Create a shopper account; the phone number is the login."""
    try:
        e164 = normalize_phone(phone)
    except ValidationError as error:
        raise _validation_error("phone", error) from None
    candidate = User(phone=e164, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise _validation_error("password", error) from None
    if preferred_language not in User.Language.values:
        preferred_language = User.Language.ZH_HANS
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                e164,
                password,
                display_name=display_name.strip()[:60],
                preferred_language=preferred_language,
                email=email,
            )
            audit_log(actor=user, action="accounts.user.signed_up", obj=user)
    except IntegrityError:
        raise AccountError(
            "phone_taken",
            _("An account with this phone number already exists."),
            status=409,
            fields={"phone": [_("Already registered.")]},
        ) from None
    return user


def user_update_profile(
    *,
    actor: User,
    display_name: str | None = None,
    preferred_language: str | None = None,
    email: str | None = None,
    contact_channel: str | None = None,
) -> User:
    changed = []
    if display_name is not None:
        actor.display_name = display_name.strip()[:60]
        changed.append("display_name")
    if preferred_language is not None:
        if preferred_language not in User.Language.values:
            raise AccountError(
                "invalid_language",
                _("Unknown language."),
                fields={"preferred_language": [_("Choose zh-hans or en.")]},
            )
        actor.preferred_language = preferred_language
        changed.append("preferred_language")
    if email is not None:
        actor.email = email.strip()
        changed.append("email")
    if contact_channel is not None:
        if contact_channel not in User.ContactChannel.values:
            raise AccountError("invalid_channel", _("Unknown notification channel."))
        actor.contact_channel = contact_channel
        changed.append("contact_channel")
    if changed:
        actor.save(update_fields=changed)
    return actor


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """Return the token row and its secret; the secret is shown once, never stored."""
    secret = "gbt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, key_hash=api_token_hash(secret), name=name[:60]
    )
    return token, secret


def api_token_authenticate(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_token_hash(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, actor: User, secret: str) -> None:
    ApiToken.objects.filter(user=actor, key_hash=api_token_hash(secret)).delete()


def merchant_membership_add(
    *, actor: User | None, user: User, merchant, role: str, branch=None
) -> MerchantMembership:
    membership, _created = MerchantMembership.objects.update_or_create(
        user=user, merchant=merchant, defaults={"role": role, "branch": branch}
    )
    audit_log(
        actor=actor,
        action="accounts.membership.set",
        obj=membership,
        data={"user": user.public_id, "role": role},
    )
    return membership
