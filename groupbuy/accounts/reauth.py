"""Re-authentication: a signed-in person types their password again before a
change a stolen session must not make (moving the account to another number,
asking for it to be deleted).

Wrong passwords here have their own limit per person
(GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT within
GROUPBUY_PASSWORD_CONFIRM_COOLOFF_MINUTES), so a session thief cannot guess the
password. They are not logins: going through ``authenticate`` would have
django-axes count them against the person's own number, and a thief could lock
the owner out of signing in (until 2026-12-06 it did).
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PasswordConfirmAttempt, User


def _cool_off() -> timedelta:
    return timedelta(minutes=settings.GROUPBUY_PASSWORD_CONFIRM_COOLOFF_MINUTES)


def _too_many(seconds: float) -> AccountError:
    seconds = max(1, math.ceil(seconds))
    minutes = max(1, math.ceil(seconds / 60))
    return AccountError(
        "too_many_passwords",
        ngettext(
            "Too many wrong passwords. Try again in %(count)d minute.",
            "Too many wrong passwords. Try again in %(count)d minutes.",
            minutes,
        )
        % {"count": minutes},
        status=429,
        retry_after=seconds,
    )


def password_confirm(*, user: User, password: str) -> None:
    """Return if ``password`` is ``user``'s; else raise AccountError: 400 on the
    password field, or 429 with ``retry_after`` once too many were wrong.

    The attempt is counted before the password is checked, so guesses sent at
    once all see each other and no more than the limit are ever checked.
    """
    attempt = PasswordConfirmAttempt.objects.create(user=user)
    others = list(
        PasswordConfirmAttempt.objects.filter(
            user=user, created_at__gt=attempt.created_at - _cool_off()
        )
        .exclude(pk=attempt.pk)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
    )
    limit = settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT
    if len(others) >= limit:
        # Refused unchecked: it does not count, nor push the wait further.
        attempt.delete()
        free_at = others[limit - 1] + _cool_off()
        raise _too_many((free_at - timezone.now()).total_seconds())
    if not user.check_password(password):
        message = _("This is not your password.")
        raise AccountError("password_wrong", message, fields={"password": [message]})
    PasswordConfirmAttempt.objects.filter(user=user).delete()
