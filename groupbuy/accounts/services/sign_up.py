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

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.services.phone_codes import (
    CodeSent,
    _announce_phone_verified,
    code_consume,
    code_issue,
    verification_for_resend,
)
from groupbuy.accounts.services.users import (
    all_or_errors,
    display_name_or_error,
    email_or_error,
    password_candidate,
    password_or_error,
    phone_or_error,
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
    # Every field is checked, so a form with a bad number and a bad password
    # says both at once (until 2026-12-06 it named the number only).
    e164, display_name, email, _password = all_or_errors(
        lambda: phone_or_error(phone),
        lambda: display_name_or_error(display_name),
        lambda: email_or_error(email),
        lambda: password_or_error(
            password, user=password_candidate(phone, display_name), field="password"
        ),
    )
    if preferred_language not in User.Language.values:
        preferred_language = User.Language.ZH_HANS
    pending = {
        "password_hash": make_password(password),
        "display_name": display_name,
        "preferred_language": preferred_language,
        "email": email,
    }
    return _sign_up_code_issue(phone=e164, pending=pending, address=address)


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


def _phone_taken() -> AccountError:
    return AccountError(
        "phone_taken",
        _("An account with this phone number already exists."),
        status=409,
        fields={"phone": [_("Already registered.")]},
    )


def sign_up_complete(*, verification_id: str, code: str) -> User:
    """Create the account a sign-up request described, once its code is entered."""
    verification = code_consume(
        verification_id=verification_id, code=code, purpose=Purpose.SIGN_UP
    )
    pending = verification.pending
    if not pending.get("password_hash"):
        raise _phone_taken()
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
        raise _phone_taken() from None
    return user
