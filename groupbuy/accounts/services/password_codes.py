"""Password reset and change, each proved by a one-time SMS code
(``phone_codes``: how codes are issued, limited and checked)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.lockout import number_failures_clear
from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.services.phone_codes import (
    CodeSent,
    code_consume,
    code_issue,
    verification_for_resend,
)
from groupbuy.accounts.services.tokens import api_tokens_revoke_all
from groupbuy.accounts.services.users import password_or_error, phone_or_error
from groupbuy.core.audit import audit_log
from groupbuy.realtime.access import SIGN_IN_CHANGED, sockets_end

Purpose = PhoneVerification.Purpose


def password_reset_request(*, phone: str, address: str = "") -> CodeSent:
    """Text a reset code if the number has an account; answer alike if not."""
    e164 = phone_or_error(phone)
    with transaction.atomic():
        user = User.objects.filter(phone=e164, is_active=True).first()
        return code_issue(
            purpose=Purpose.PASSWORD_RESET,
            phone=e164,
            user=user,
            address=address,
            send_code=user is not None,
        )


def password_reset_resend(*, verification_id: str, address: str = "") -> CodeSent:
    """Text a new reset code to the number an earlier request was for, so it is
    not typed again; answer alike whether or not it has an account."""
    earlier = verification_for_resend(
        verification_id=verification_id, purpose=Purpose.PASSWORD_RESET
    )
    return password_reset_request(phone=earlier.phone, address=address)


def password_change_request(*, actor: User, address: str = "") -> CodeSent:
    """Text a code to a signed-in person's own number before a password change."""
    with transaction.atomic():
        return code_issue(
            purpose=Purpose.PASSWORD_CHANGE,
            phone=actor.phone,
            user=actor,
            address=address,
        )


def _password_set(*, user: User, password: str, action: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log(actor=user, action=action, obj=user)
        # The person's other sessions end with the old password; their open
        # sockets, authorised when they connected, reconnect to find out.
        sockets_end(user_public_id=user.public_id, reason=SIGN_IN_CHANGED)
    return user


def password_reset_complete(
    *, verification_id: str, code: str, new_password: str
) -> User:
    """Set a new password with a reset code; every API token is revoked."""
    password_or_error(new_password, user=None, field="new_password")
    verification = code_consume(
        verification_id=verification_id, code=code, purpose=Purpose.PASSWORD_RESET
    )
    user = verification.user
    if user is None:  # unreachable: no code was sent, so none can match
        raise AccountError("code_wrong", _("This code is not right."))
    with transaction.atomic():
        _password_set(
            user=user, password=new_password, action="accounts.password.reset"
        )
        api_tokens_revoke_all(actor=user, user=user, reason="password_reset")
        # The code proved the number: whoever failed logins for it no longer
        # keeps its owner out (their guesses were at the old password anyway).
        number_failures_clear(user.phone)
    return user


def password_change_complete(
    *,
    actor: User,
    verification_id: str,
    code: str,
    new_password: str,
    keeping_token: str = "",
) -> User:
    """Change a signed-in person's password with the code texted to them.

    Every API token is revoked, as after a reset, but ``keeping_token`` (the
    secret of the token the change came through): someone changing a password
    they fear is known is signed out everywhere else, as Django already does
    with their other browser sessions."""
    password_or_error(new_password, user=actor, field="new_password")
    code_consume(
        verification_id=verification_id,
        code=code,
        purpose=Purpose.PASSWORD_CHANGE,
        user=actor,
    )
    with transaction.atomic():
        user = _password_set(
            user=actor, password=new_password, action="accounts.password.changed"
        )
        api_tokens_revoke_all(
            actor=actor, user=actor, reason="password_change", keeping=keeping_token
        )
    return user


def password_set_by_support(*, actor: User, user: User) -> User:
    """What a password support has just set for ``user`` in the admin means, as
    after the person's own reset: every API token is revoked and their open
    sockets check their sign-in again (their other sessions end with the old
    password already). Audited under support's name. The admin's form writes
    the password; call this in the same transaction."""
    with transaction.atomic():
        audit_log(actor=actor, action="accounts.password.set_by_support", obj=user)
        api_tokens_revoke_all(actor=actor, user=user, reason="password_set_by_support")
        sockets_end(user_public_id=user.public_id, reason=SIGN_IN_CHANGED)
    return user
