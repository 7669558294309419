"""Failed-login limits through django-axes, keyed on the phone number and on the
client address from ``groupbuy.core.net.limit_address``.

Why axes and not our own counters: it hooks Django's ``authenticate`` (so the web
form, the API token endpoint and the Django admin are all covered), stores its
counts in the database (shared by every process) and has an admin to unlock
people. What it lacks, the time to come back, is computed here from its rows.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.net import limit_address


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
    matches = Q(ip_address=axes_client_ip(request))
    if phone:
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
