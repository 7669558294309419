"""Every error under /api/ leaves as ``{"code", "message", "fields"}`` JSON.

Django Ninja's exception handlers (``groupbuy.api``) shape the errors raised in
API views. What happens around them (no route matched: 404, a method the path
does not take: 405, a body refused before the view ran: 413, a crash: 500)
comes back as Django's HTML pages; this middleware replaces those under /api/,
in the caller's language: for a 404 or 405 with an API token it reads the token
for its owner's saved language, which no endpoint has read yet.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _

from groupbuy.core.errors import api_error_response, is_api_path
from groupbuy.core.middleware_shell import SyncAndAsyncMiddleware

KEPT_HEADERS = ("Allow", "Retry-After")
# Refused before any endpoint ran (no route, or not this method): a caller's
# API token has not been read, so its owner's saved language not chosen yet.
REFUSED_BEFORE_THE_TOKEN = (404, 405)


def _standard_error(status: int, method: str) -> tuple[str, str]:
    if status == 404:
        return "not_found", _(
            "There is nothing at this address. The API documentation at "
            "/api/docs lists every path."
        )
    if status == 405:
        return "method_not_allowed", _(
            "This address does not accept %(method)s requests."
        ) % {"method": method}
    if status == 413:
        return "too_large", _("The request body is too large.")
    if status == 401:
        return "unauthenticated", _("Please sign in first.")
    if status == 403:
        return "forbidden", _("You may not do that.")
    if status == 429:
        return "rate_limited", _("Too many requests. Please wait and try again.")
    if status >= 500:
        return "server_error", _(
            "Something went wrong on our side. Please try again in a moment."
        )
    return "bad_request", _("The request could not be understood.")


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _is_replaced(request, response) -> bool:
    return (
        response.status_code >= 400
        and is_api_path(request.path_info)
        and not _is_json(response)
    )


def _reads_the_token(request, response) -> bool:
    """Whether answering ``response`` reads the caller's API token (the
    database): a bearer token on a request refused before any endpoint ran."""
    scheme = request.headers.get("Authorization", "").split(" ")[0]
    return (
        scheme.lower() == "bearer"
        and response.status_code in REFUSED_BEFORE_THE_TOKEN
        and _is_replaced(request, response)
    )


def _choose_the_token_users_language(request) -> None:
    """Set ``request.LANGUAGE_CODE`` to a usable token's owner's saved language,
    as every endpoint's answer to them is (accounts.auth), so an unknown path
    does not answer someone who chose English in the site's Chinese."""
    # Imported here: core is imported by every app, accounts among them.
    from groupbuy.accounts.auth import BearerTokenAuth

    # (it activates the language too: only for as long as it reads the token)
    with translation.override(translation.get_language()):
        BearerTokenAuth()(request)


def api_error_as_json(request, response):
    """Return ``response``, or its JSON equivalent if it is a non-JSON API error."""
    if not _is_replaced(request, response):
        return response
    if _reads_the_token(request, response):
        _choose_the_token_users_language(request)
    # LocaleMiddleware has chosen the language; under ASGI its activation may
    # not reach back out here, so say it in the request's language explicitly.
    language = getattr(request, "LANGUAGE_CODE", None)
    with translation.override(language or translation.get_language()):
        code, message = _standard_error(response.status_code, request.method)
    replacement = api_error_response(request, response.status_code, code, message)
    for header in KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement


class ApiErrorJsonMiddleware(SyncAndAsyncMiddleware):
    def after(self, request, response):
        return api_error_as_json(request, response)

    async def __acall__(self, request):
        response = await self.get_response(request)
        # Only an answer that reads the token goes to a worker thread (where
        # Django allows the database): every other one stays on the loop.
        if _reads_the_token(request, response):
            return await sync_to_async(self.after)(request, response)
        return self.after(request, response)
