"""Re-authentication: a signed-in person types their password again before a
change a stolen session must not make (moving the account to another number).

The password goes through Django's ``authenticate`` like a login, so django-axes
counts a wrong one against the number and the address and locks both out after
as many failures as a login: a session thief cannot guess the password here.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.lockout import locked_until, lockout_message, retry_after_seconds
from groupbuy.accounts.models import User


def password_confirm(request: HttpRequest, *, user: User, password: str) -> None:
    """Return if ``password`` is ``user``'s; else raise AccountError: 400 on the
    password field, or 429 with ``retry_after`` while logins are locked out."""
    checked = authenticate(request, phone=user.phone, password=password)
    if getattr(request, "axes_locked_out", False):
        until = locked_until(request, user.phone)
        raise AccountError(
            "too_many_logins",
            lockout_message(until),
            status=429,
            retry_after=retry_after_seconds(until),
        )
    if checked is None or checked.pk != user.pk:
        message = _("This is not your password.")
        raise AccountError("password_wrong", message, fields={"password": [message]})
