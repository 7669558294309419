"""One-time SMS codes, and confirming a signed-in person's number with one
(sign-up is in ``sign_up``; password reset and change in ``password_codes``).

A code is six digits, sent through the notify SMS backend once the request's
transaction commits; only an HMAC of it is stored. It expires after
``GROUPBUY_PHONE_CODE_TTL_MINUTES``, allows ``GROUPBUY_PHONE_CODE_MAX_ATTEMPTS``
wrong guesses and is used once. New codes are limited per number (one per
``GROUPBUY_PHONE_CODE_RESEND_SECONDS`` for each purpose, ``…_PER_NUMBER_PER_HOUR``
in all) and per client address (``…_PER_ADDRESS_PER_HOUR``), counted from the
stored codes so every process sees the same counts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.services.code_limits import code_request_throttle
from groupbuy.accounts.services.users import (
    without_nul,
)
from groupbuy.accounts.signals import phone_verified
from groupbuy.core.audit import audit_log
from groupbuy.core.ids import new_public_id
from groupbuy.core.transactions import after_commit

logger = logging.getLogger(__name__)
# The SMS idempotency key of a texted code, which then names its file in the
# SMS outbox: a restore drops the codes that expired meanwhile (ops.backup).
PHONE_CODE_KEY_PREFIX = "phone-code-"
Purpose = PhoneVerification.Purpose


@dataclass(frozen=True)
class CodeSent:
    """A verification and the SMS text sent for it ("" when none was sent).

    The text is for the demo banner only; production pages never show it.
    """

    verification: PhoneVerification
    sms_text: str


def _code_hash(verification_id: str, code: str, secret_key: str = "") -> str:
    message = f"{verification_id}:{code}".encode()
    key = (secret_key or settings.SECRET_KEY).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _code_matches(verification_id: str, expected: str, code: str) -> bool:
    """Whether ``code`` is the one hashed, under SECRET_KEY or, for a code sent
    just before a rotation, one of SECRET_KEY_FALLBACKS."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(expected, _code_hash(verification_id, code, key))
        for key in keys
    )


def _send_sms(phone: str, text: str, key: str) -> None:
    from groupbuy.notify.sms import SmsError, get_sms_backend

    try:
        get_sms_backend().send(phone=phone, text=text, idempotency_key=key)
    except SmsError:
        # The person asks for a new code; nothing else depends on this one.
        logger.warning("phone code SMS %s to %s not sent", key, phone, exc_info=True)


def _code_text(purpose: str, code: str) -> str:
    context = {
        "site": settings.GROUPBUY_SITE_NAME,
        "code": code,
        "minutes": settings.GROUPBUY_PHONE_CODE_TTL_MINUTES,
    }
    if purpose == Purpose.SIGN_UP:
        text = _(
            "%(site)s: your sign-up code is %(code)s. It expires in %(minutes)d "
            "minutes. Never tell it to anyone."
        )
    elif purpose == Purpose.PHONE_VERIFY:
        text = _(
            "%(site)s: your code to confirm this number is %(code)s. It expires "
            "in %(minutes)d minutes. Never tell it to anyone."
        )
    elif purpose == Purpose.PHONE_CHANGE:
        # Sent to whoever holds the number, who may not be the one asking (a
        # mistyped number, or someone else's): say what it is for and that
        # they may ignore it, without saying whose account asked.
        text = _(
            "%(site)s: someone asked to move an account to this number. The code "
            "is %(code)s; it expires in %(minutes)d minutes. If it was not you, "
            "ignore this message. Never tell the code to anyone."
        )
    elif purpose == Purpose.PASSWORD_RESET:
        text = _(
            "%(site)s: your password reset code is %(code)s. It expires in "
            "%(minutes)d minutes. Never tell it to anyone."
        )
    else:
        text = _(
            "%(site)s: your code to change your password is %(code)s. It expires "
            "in %(minutes)d minutes. Never tell it to anyone."
        )
    return text % context


def code_issue(
    *,
    purpose: str,
    phone: str,
    user: User | None,
    address: str,
    pending: dict | None = None,
    text_without_code: str = "",
    send_code: bool = True,
    language: str | None = None,
) -> CodeSent:
    """Create a verification (in the caller's transaction) and queue its SMS,
    written in ``language`` (default: the request's)."""
    code_request_throttle(phone=phone, purpose=purpose, address=address)
    now = timezone.now()
    verification_id = new_public_id("vrf")
    code = f"{secrets.randbelow(10**6):06d}"
    # Without an SMS nobody knows a code: the stored hash matches no six digits.
    secret = code if send_code else secrets.token_hex(16)
    verification = PhoneVerification.objects.create(
        public_id=verification_id,
        purpose=purpose,
        phone=phone,
        user=user,
        code_hash=_code_hash(verification_id, secret),
        pending=pending or {},
        requested_from=address[:45],
        created_at=now,
        expires_at=now + timedelta(minutes=settings.GROUPBUY_PHONE_CODE_TTL_MINUTES),
    )
    audit_log(
        actor=user,
        action="accounts.phone_code.requested",
        obj=verification,
        data={"purpose": purpose, "address": address},
    )
    with translation.override(language or translation.get_language()):
        text = _code_text(purpose, code) if send_code else text_without_code
    if text:
        after_commit(
            _send_sms, phone, text, f"{PHONE_CODE_KEY_PREFIX}{verification_id}"
        )
    return CodeSent(verification, text)


def _refusal(verification: PhoneVerification | None, now) -> AccountError | None:
    def error(code: str, message: str) -> AccountError:
        return AccountError(code, message, fields={"code": [message]})

    if verification is None:
        return error("code_wrong", _("This code is not right."))
    if verification.used_at is not None:
        return error("code_used", _("This code was already used. Ask for a new one."))
    if verification.expires_at <= now:
        return error("code_expired", _("This code has expired. Ask for a new one."))
    if verification.failed_attempts >= settings.GROUPBUY_PHONE_CODE_MAX_ATTEMPTS:
        return error(
            "code_attempts", _("Too many wrong codes. Ask for a new one and retry.")
        )
    return None


def code_consume(
    *, verification_id: str, code: str, purpose: str, user: User | None = None
) -> PhoneVerification:
    """Mark the verification used if ``code`` is right, else count the miss.

    Runs in its own transaction so a wrong guess stays counted even though the
    caller's work is not done; a crash after it costs the person a new code.
    """
    now = timezone.now()
    verification_id = without_nul(verification_id)
    with transaction.atomic():
        rows = PhoneVerification.objects.select_for_update(of=("self",)).filter(
            public_id=verification_id, purpose=purpose
        )
        if user is not None:
            rows = rows.filter(user=user)
        verification = rows.select_related("user").first()
        refusal = _refusal(verification, now)
        if refusal is None:
            expected = verification.code_hash
            if _code_matches(verification_id, expected, code.strip()):
                verification.used_at = now
                verification.save(update_fields=["used_at"])
                return verification
            PhoneVerification.objects.filter(pk=verification.pk).update(
                failed_attempts=F("failed_attempts") + 1
            )
            left = (
                settings.GROUPBUY_PHONE_CODE_MAX_ATTEMPTS
                - verification.failed_attempts
                - 1
            )
            message = ngettext(
                "This code is not right. %(count)d try left.",
                "This code is not right. %(count)d tries left.",
                left,
            ) % {"count": left}
            refusal = AccountError("code_wrong", message, fields={"code": [message]})
    raise refusal


def verification_for_resend(*, verification_id: str, purpose: str) -> PhoneVerification:
    """Return the unused verification a new code is asked for (404 if none)."""
    verification = PhoneVerification.objects.filter(
        public_id=without_nul(verification_id), purpose=purpose
    ).first()
    if verification is None:
        raise AccountError("not_found", _("This code request is unknown."), status=404)
    if verification.used_at is not None:
        raise AccountError(
            "code_used", _("This code was already used, so no new one is needed.")
        )
    return verification


def _announce_phone_verified(user: User, phone: str) -> None:
    for receiver, result in phone_verified.send_robust(
        sender=User, user=user, phone_e164=phone
    ):
        if isinstance(result, Exception):
            logger.error("phone_verified receiver %r failed", receiver, exc_info=result)


# --- Confirming a signed-in person's number -------------------------------------


def phone_verify_request(*, actor: User, address: str = "") -> CodeSent:
    """Text a code to a signed-in person's own number to confirm they hold it
    (accounts made without the SMS sign-up, e.g. by an operator or the demo)."""
    with transaction.atomic():
        return code_issue(
            purpose=Purpose.PHONE_VERIFY,
            phone=actor.phone,
            user=actor,
            address=address,
        )


def phone_verify_complete(*, actor: User, verification_id: str, code: str) -> User:
    """Mark the person's number verified with the code texted to it."""
    verification = code_consume(
        verification_id=verification_id,
        code=code,
        purpose=Purpose.PHONE_VERIFY,
        user=actor,
    )
    if verification.phone != actor.phone:  # the number changed since: no proof
        raise AccountError("code_wrong", _("This code is not right."))
    with transaction.atomic():
        if actor.phone_verified_at is None:
            actor.phone_verified_at = timezone.now()
            actor.save(update_fields=["phone_verified_at"])
            audit_log(
                actor=actor,
                action="accounts.phone.verified",
                obj=actor,
                data={"verification": verification.public_id},
            )
            after_commit(_announce_phone_verified, actor, actor.phone)
    return actor
