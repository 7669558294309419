"""A page, not a blank answer, when a browser opens an action's address.

Actions (join a deal, mark all read, ask for erasure…) take POST only; a GET from
the address bar, an old bookmark or a link pasted into a chat got Django's empty
405 and the browser's "This page isn't working". Django has no handler405, so
this turns that empty answer into a small page in the site's layout. Under /api/
the JSON error stays (``groupbuy.core.middleware``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from groupbuy.core.errors import is_api_path
from groupbuy.core.middleware_shell import SyncAndAsyncMiddleware


def _back_path(request) -> str:
    """The page the person came from, when it is another page of this site."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    path = urlsplit(referer).path
    return path if path.startswith("/") and path != request.path else ""


def method_not_allowed_as_page(request, response):
    """Return ``response``, or the 405 page if it is Django's empty 405 outside
    the API."""
    if (
        not isinstance(response, HttpResponseNotAllowed)
        or response.content
        or is_api_path(request.path_info)
    ):
        return response
    page = TemplateResponse(
        request, "405.html", {"back_path": _back_path(request)}, status=405
    )
    page["Allow"] = response["Allow"]
    return page.render()


class MethodNotAllowedPageMiddleware(SyncAndAsyncMiddleware):
    # Rendering the page reads the session and the user.
    after_uses_database = True

    def after(self, request, response):
        return method_not_allowed_as_page(request, response)
