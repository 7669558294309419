"""Sign-up: the form checked and a code texted to the number, a new code asked
for, and the account created once the code is entered (``phone_codes``: how
codes are issued, limited and checked).

Sign-up and reset answer the same way whether or not the number has an account:
a verification is always created, the password is always hashed (so timing does
not tell either), and only the SMS differs, which only the number's owner reads.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.services.phone_codes import (
    CodeSent,
    _announce_phone_verified,
    code_consume,
    code_issue,
    verification_for_resend,
)
from groupbuy.accounts.services.users import (
    phone_taken_error,
    sign_up_fields_or_errors,
)
from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit

Purpose = PhoneVerification.Purpose


def sign_up_request(
    *,
    phone: str,
    password: str,
    display_name: str = "",
    preferred_language: str = User.Language.ZH_HANS,
    email: str = "",
    address: str = "",
) -> CodeSent:
    """Check the sign-up form and text a code to the number; create nobody yet."""
    fields = sign_up_fields_or_errors(
        phone, password, display_name, email, preferred_language
    )
    pending = {
        "password_hash": make_password(password),
        "display_name": fields.display_name,
        "preferred_language": fields.preferred_language,
        "email": fields.email,
    }
    return _sign_up_code_issue(phone=fields.phone, pending=pending, address=address)


def _sign_up_code_issue(*, phone: str, pending: dict, address: str) -> CodeSent:
    with transaction.atomic():
        holder = User.objects.filter(phone=phone).first()
        # The SMS is in the language the person chose on the form, not their
        # browser's; a number that has an account is told in its holder's.
        # Refusals (too many codes) stay in the request's language.
        language = (
            holder.preferred_language
            if holder is not None
            else pending.get("preferred_language") or User.Language.ZH_HANS
        )
        with translation.override(language):
            taken_text = _(
                "%(site)s: someone tried to sign up with this number, which already "
                "has an account. Log in, or reset your password if you forgot it."
            ) % {"site": settings.GROUPBUY_SITE_NAME}
        return code_issue(
            purpose=Purpose.SIGN_UP,
            phone=phone,
            user=None,
            address=address,
            pending={} if holder is not None else pending,
            send_code=holder is None and bool(pending.get("password_hash")),
            text_without_code=taken_text,
            language=language,
        )


def sign_up_resend(*, verification_id: str, address: str = "") -> CodeSent:
    """Text a new sign-up code for what an earlier request described.

    The person's details (the password already hashed) are carried over from the
    earlier request, so nothing is typed again and no password travels; the
    earlier code stays good until it expires. Paced like any other code.
    """
    earlier = verification_for_resend(
        verification_id=verification_id, purpose=Purpose.SIGN_UP
    )
    return _sign_up_code_issue(
        phone=earlier.phone, pending=dict(earlier.pending), address=address
    )


def sign_up_complete(*, verification_id: str, code: str) -> User:
    """Create the account a sign-up request described, once its code is entered."""
    verification = code_consume(
        verification_id=verification_id, code=code, purpose=Purpose.SIGN_UP
    )
    pending = verification.pending
    if not pending.get("password_hash"):
        raise phone_taken_error()
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User(
                phone=verification.phone,
                display_name=pending.get("display_name", ""),
                preferred_language=pending.get("preferred_language", "zh-hans"),
                email=pending.get("email", ""),
                phone_verified_at=now,
            )
            user.password = pending["password_hash"]
            user.save()
            PhoneVerification.objects.filter(pk=verification.pk).update(
                pending={}, user=user
            )
            audit_log(actor=user, action="accounts.user.signed_up", obj=user)
            audit_log(
                actor=user,
                action="accounts.phone.verified",
                obj=user,
                data={"verification": verification.public_id},
            )
            after_commit(_announce_phone_verified, user, verification.phone)
    except IntegrityError:
        raise phone_taken_error() from None
    return user
