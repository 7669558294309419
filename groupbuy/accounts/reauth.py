"""Re-authentication: a signed-in person types their password again before a
change a stolen session must not make (moving the account to another number,
asking for it to be deleted, creating an API token, changing where a shop's
payouts go, an operator's one-off payout to a typed account).

The last three share a recent-authentication window ("sudo mode"): once the
password is confirmed in a browser session (``reauthenticate``), that session
may make them for GROUPBUY_REAUTH_WINDOW_MINUTES without being asked again
(``recent_authentication(request).require()``). A request signed by an API
token never may: a token is a password stand-in a script keeps on disk, and one
that could mint more tokens or redirect payouts would outlive its own
revocation (until 2026-12-07 both were allowed).

Wrong passwords here have their own limit per person
(GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT within
GROUPBUY_PASSWORD_CONFIRM_COOLOFF_MINUTES), so a session thief cannot guess the
password. They are not logins: going through ``authenticate`` would have
django-axes count them against the person's own number, and a thief could lock
the owner out of signing in (until 2026-12-06 it did).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PasswordConfirmAttempt, User
from groupbuy.core.api_urls import SitePath
from groupbuy.core.audit import audit_log

# The session keeps whose password was confirmed and when (epoch seconds, UTC).
REAUTHENTICATED_SESSION_KEY = "accounts.reauthenticated"
REAUTHENTICATE_PATH = SitePath("/api/me/reauthenticate")


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


def password_confirm_failures(*, user: User) -> tuple[int, datetime | None]:
    """Return the wrong passwords counted against ``user`` now and until when
    they refuse more (None: they do not), as ``password_confirm`` counts."""
    counted = list(
        PasswordConfirmAttempt.objects.filter(
            user=user, created_at__gt=timezone.now() - _cool_off()
        )
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
    )
    limit = settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT
    if len(counted) < limit:
        return len(counted), None
    return len(counted), counted[limit - 1] + _cool_off()


def _window() -> timedelta:
    return timedelta(minutes=settings.GROUPBUY_REAUTH_WINDOW_MINUTES)


def by_api_token(request) -> bool:
    """Return whether the request was signed by an API token (not a session)."""
    return bool(getattr(request, "signed_by_api_token", False))


def token_refusal() -> AccountError:
    return AccountError(
        "session_required",
        _(
            "An API token cannot do this. Sign in on the website, or use a "
            "signed-in browser session, and confirm your password."
        ),
        status=403,
    )


@dataclass(frozen=True)
class RecentAuthentication:
    """What a request proves beyond being signed in: a token, or a session
    whose password was last confirmed at ``confirmed_at``."""

    by_api_token: bool
    confirmed_at: datetime | None

    def is_recent(self, now: datetime | None = None) -> bool:
        if self.by_api_token or self.confirmed_at is None:
            return False
        return (now or timezone.now()) - self.confirmed_at <= _window()

    def require(self) -> None:
        """Return if the request may make a change that needs the password;
        else raise a 403 AccountError that says what to do."""
        if self.by_api_token:
            raise token_refusal()
        if self.is_recent():
            return
        minutes = settings.GROUPBUY_REAUTH_WINDOW_MINUTES
        message = ngettext(
            "Confirm your password first; it then stays confirmed for %(count)d "
            "minute.",
            "Confirm your password first; it then stays confirmed for %(count)d "
            "minutes.",
            minutes,
        ) % {"count": minutes}
        raise AccountError(
            "reauthentication_required",
            message,
            status=403,
            extra={"reauthenticate": REAUTHENTICATE_PATH, "window_minutes": minutes},
        )


def recent_authentication(request) -> RecentAuthentication:
    """Return what the request proves of its person's password."""
    if by_api_token(request):
        return RecentAuthentication(by_api_token=True, confirmed_at=None)
    kept = getattr(request, "session", {}).get(REAUTHENTICATED_SESSION_KEY) or {}
    user = getattr(request, "user", None)
    if not isinstance(kept, dict) or kept.get("user") != getattr(user, "pk", None):
        return RecentAuthentication(by_api_token=False, confirmed_at=None)
    try:
        confirmed_at = datetime.fromtimestamp(float(kept["at"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        confirmed_at = None
    return RecentAuthentication(by_api_token=False, confirmed_at=confirmed_at)


def reauthenticate(request, *, password: str) -> datetime:
    """Confirm the signed-in person's password and open the window in their
    session; return when it closes. A token is refused (403): it has no session
    to open it in, and may not do what the window allows anyway."""
    if by_api_token(request):
        raise token_refusal()
    user = request.user
    password_confirm(user=user, password=password)
    now = timezone.now()
    request.session[REAUTHENTICATED_SESSION_KEY] = {
        "user": user.pk,
        "at": now.timestamp(),
    }
    audit_log(actor=user, action="accounts.reauthenticated", obj=user)
    return now + _window()
