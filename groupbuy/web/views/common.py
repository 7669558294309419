"""Small helpers the page modules share."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from groupbuy.core.errors import DomainError


def next_path(request: HttpRequest) -> str:
    """Return the ?next= target when it is a path on this site, else "".

    Only a path: ``redirect()`` takes any other string for a URL name, and
    ``next=-1`` raised NoReverseMatch (a 500)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return target
    return ""


def safe_next_url(request: HttpRequest, default: str | None = None) -> str:
    """Return the ?next= path (``next_path``), else ``default``."""
    return next_path(request) or resolve_url(default or settings.LOGIN_REDIRECT_URL)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def remember_language(response, language: str) -> None:
    """Make the language a person chose win over an earlier language switch."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


def run_form_action(
    request: HttpRequest, form_class, action, done: str | Callable[[Any], str]
) -> None:
    """Validate ``request.POST`` with ``form_class``, call ``action(cleaned_data)``
    and say how it went as a message; the caller redirects back to its page.

    For the small forms of a page's actions (add stock, move a deadline): a
    refusal is a message, not a page of its own, except 403 and 404, which
    escape to ``domain_errors_as_http``.
    """
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    run_action(request, lambda: action(form.cleaned_data), done)


def run_action(request: HttpRequest, action, done: str | Callable[[Any], str]) -> None:
    """Call ``action()`` and say how it went as a message (``done``, or what
    ``done`` makes of the action's result when the outcome decides the words);
    the caller redirects back to its page. A refusal is a message (a pool
    request already suggested, an offer already accepted), except 403 and 404,
    which escape to ``domain_errors_as_http``."""
    try:
        result = action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, done(result) if callable(done) else done)


def domain_errors_as_http(view: Callable) -> Callable:
    """Turn a getter's refusal that escapes a view into the right error page:
    404 and 403 errors become the friendly 404/403 pages, others a 400 page
    with the service's message (never a 500)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from error
            if error.status == 403:
                raise PermissionDenied(error.message) from error
            return render(
                request, "web/error.html", {"error": error}, status=error.status
            )

    return wrapper
