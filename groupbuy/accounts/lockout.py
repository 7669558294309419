"""Failed-login limits through django-axes, keyed on the phone number and on the
client address from ``groupbuy.core.net.limit_address``.

Why axes and not our own counters: it hooks Django's ``authenticate`` (so the web
form, the API token endpoint and the Django admin are all covered), stores its
counts in the database (shared by every process) and has an admin to unlock
people. What it lacks, the time to come back, is computed here from its rows.

A number's own count would let anyone keep its owner out by failing logins
for it from their own addresses. So a browser that signed in to the number
before (it holds a signed cookie naming the number, ``LOGIN_DEVICE_COOKIE``,
set on signing in or resetting the password by a texted code) counts only its
own failures: per address, and per number from its address. Everyone else
counts per number too, so guessing one number from many addresses is still
stopped. A texted reset code also clears the number's failures
(``number_failures_clear``): the owner on a new phone is back in at once.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import time_format
from django.utils.translation import ngettext

from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.net import limit_address

LOGIN_DEVICE_COOKIE = "groupbuy_login_device"
LOGIN_DEVICE_DAYS = 180
_DEVICE_SALT = "groupbuy.accounts.lockout.device"
# Everyone: per address, and per number from anywhere.
STRANGER_PARAMETERS = ["ip_address", "username"]
# A browser that signed in to the number before: per address, and per number
# from this address only.
OWNERS_DEVICE_PARAMETERS = ["ip_address", ["username", "ip_address"]]


def _number_digest(phone: str) -> str:
    # the cookie names the number without holding it
    return salted_hmac(_DEVICE_SALT, phone).hexdigest()[:32]


def login_device_remember(response: HttpResponse, phone: str) -> HttpResponse:
    """Mark the browser as one that proved ``phone`` (signed in, or reset its
    password by a texted code): others' failures for it no longer hold it back."""
    value = signing.dumps(_number_digest(phone), salt=_DEVICE_SALT, compress=True)
    response.set_cookie(
        LOGIN_DEVICE_COOKIE,
        value,
        max_age=LOGIN_DEVICE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _is_owners_device(request: HttpRequest, phone: str | None) -> bool:
    value = getattr(request, "COOKIES", {}).get(LOGIN_DEVICE_COOKIE)
    if not value or not phone:
        return False
    try:
        digest = signing.loads(
            value, salt=_DEVICE_SALT, max_age=LOGIN_DEVICE_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return False
    return digest == _number_digest(phone)


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: what failures hold this login back."""
    if not isinstance(request_or_attempt, HttpRequest):
        return STRANGER_PARAMETERS  # a stored attempt (axes' admin, clean-ups)
    phone = axes_username(request_or_attempt, credentials)
    if _is_owners_device(request_or_attempt, phone):
        return OWNERS_DEVICE_PARAMETERS
    return STRANGER_PARAMETERS


def number_failures_clear(phone: str) -> int:
    """Forget the failed logins for ``phone`` (its owner proved it by a code,
    or an operator cleared its lockout); return how many there were."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username=phone)
    failures = attempts.aggregate(failures=Sum("failures_since_start"))["failures"]
    attempts.delete()
    return failures or 0


def number_failures(phone: str) -> tuple[int, datetime | None]:
    """Return the failed logins counted against ``phone`` now (within the
    cool-off, from any address) and until when they refuse its logins to a
    browser that never signed in to it (None: they do not)."""
    from axes.models import AccessAttempt

    cool_off = settings.AXES_COOLOFF_TIME
    counted = AccessAttempt.objects.filter(
        username=phone, attempt_time__gte=timezone.now() - cool_off
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    failures = counted["failures"] or 0
    if failures < settings.AXES_FAILURE_LIMIT:
        return failures, None
    return failures, counted["latest"] + cool_off


def axes_client_ip(request: HttpRequest) -> str | None:
    return limit_address(request) or None


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """Return the phone number tried, in E.164 so "138 0013 8000" counts too."""
    credentials = credentials or {}
    raw = (
        credentials.get("phone")
        or credentials.get("username")
        or request.POST.get("phone")
        or request.POST.get("username")
    )
    if not raw:
        return None
    try:
        return normalize_phone(str(raw))
    except ValidationError:
        return str(raw)[:100]


def locked_until(request: HttpRequest, phone: str | None = None) -> datetime:
    """Return when logins for ``phone`` or from this address may resume."""
    from axes.models import AccessAttempt

    now = timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    address = axes_client_ip(request)
    matches = Q(ip_address=address)
    if phone and _is_owners_device(request, phone):
        matches |= Q(username=phone, ip_address=address)
    elif phone:
        matches |= Q(username=phone)
    latest = (
        AccessAttempt.objects.filter(matches, attempt_time__gte=now - cool_off)
        .aggregate(latest=Max("attempt_time"))
        .get("latest")
    )
    return (latest or now) + cool_off


def lockout_message(until: datetime) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ngettext(
        "Too many failed logins. Try again in %(count)d minute (after %(time)s).",
        "Too many failed logins. Try again in %(count)d minutes (after %(time)s).",
        minutes,
    ) % {"count": minutes, "time": time_format(timezone.localtime(until), "H:i")}


def retry_after_seconds(until: datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def lockout_json(request: HttpRequest, phone: str | None = None) -> JsonResponse:
    until = locked_until(request, phone)
    response = JsonResponse(
        {"code": "too_many_logins", "message": lockout_message(until), "fields": {}},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds(until))
    return response


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a login refused by the lockout."""
    if isinstance(original_response, dict):
        # Axes' middleware in async mode (the site runs under ASGI) passes the
        # credentials second and drops the response (django-axes 8.3.1).
        original_response, credentials = None, original_response
    phone = axes_username(request, credentials)
    if request.path.startswith("/api/"):
        return lockout_json(request, phone)
    if getattr(original_response, "status_code", None) == 429:
        return original_response  # our login page already said when to come back
    until = locked_until(request, phone)
    response = render(
        request,
        "accounts/locked_out.html",
        {"message": lockout_message(until)},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds(until))
    return response


class LoginLimitBackend(AxesStandaloneBackend):
    """Axes' lockout check, for logins that come with a request.

    Every login people can reach (the web form, the API token endpoint, the Django
    admin) passes its request to ``authenticate``; calls without one are code
    signing someone in directly (``Client.login`` in tests, management commands),
    where axes would raise instead of deciding. Those are left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
