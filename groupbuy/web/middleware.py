"""A page, not a blank answer, when a browser opens an action's address.

Actions (join a deal, mark all read, ask for erasure…) take POST only; a GET from
the address bar, an old bookmark or a link pasted into a chat got Django's empty
405 and the browser's "This page isn't working". Django has no handler405, so
this turns that empty answer into a small page in the site's layout. Under /api/
the JSON error stays (``groupbuy.core.middleware``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from groupbuy.core.errors import is_api_path


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


class MethodNotAllowedPageMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return method_not_allowed_as_page(request, self.get_response(request))

    async def __acall__(self, request):
        response = await self.get_response(request)
        # Rendering reads the session and the user: database work.
        return await sync_to_async(method_not_allowed_as_page)(request, response)
