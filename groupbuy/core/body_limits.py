"""Refuse oversized request bodies while they stream in, before Django stores them.

Django's ASGI handler copies the whole body into a ``SpooledTemporaryFile``
(memory, then a file in /tmp) before any view or upload handler runs, so a size
check in Django comes after the bytes are written. This wrapper sits in front of
it: it answers 413 at once when ``Content-Length`` is over the limit of the path,
and for bodies without one (chunked) it counts the bytes as they arrive and stops
passing them on at the limit. Django then sees a client disconnect and stores
nothing more; the wrapper sends the 413 itself.

Limits per path: product photos (settings, "Request size limits" block), the
uploads the apps declare (``GroupbuyApp.upload_paths``: snaps, a demand's
photos, a coupon's photo and batch files at the till, address books and voice
notes), and everything else (JSON bodies and plain forms).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from html import escape
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from groupbuy.core import plugins

# Multipart framing around a photo: boundaries, part headers, the CSRF field and
# the product form's other fields.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

_PRODUCT_PHOTO_PATHS = re.compile(
    r"^/(api/catalog/products/[^/]+/images/?"
    r"|merchant/[^/]+/products/(new|[^/]+/edit)/?"
    r"|admin/catalog/(product|productimage)/.*)$"
)


def body_limit_for(path: str) -> int:
    """Return the most bytes a request body to ``path`` may have."""
    if _PRODUCT_PHOTO_PATHS.match(path):
        return settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES + MULTIPART_OVERHEAD_BYTES
    for pattern, max_bytes in plugins.upload_limits():
        if pattern.match(path):
            return max_bytes() + MULTIPART_OVERHEAD_BYTES
    return settings.GROUPBUY_REQUEST_MAX_BYTES


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _declared_length(scope) -> int | None:
    try:
        return int(_header(scope, b"content-length"))
    except ValueError:
        return None


def _language(scope) -> str:
    """The language the visitor chose on the site (its cookie), else the one
    their browser asks for first, else the site's."""
    cookies = SimpleCookie()
    with contextlib.suppress(CookieError):  # a malformed cookie: none chosen
        cookies.load(_header(scope, b"cookie"))
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and chosen.value in dict(settings.LANGUAGES):
        return chosen.value
    accepted = _header(scope, b"accept-language").lower()
    # Chinese first, as the site: only a request that asks for English gets it.
    if accepted.startswith("en"):
        return "en"
    return settings.LANGUAGE_CODE


def _megabytes(limit: int) -> int:
    return max(1, limit // (1024 * 1024))


def _refusal_body(scope, code: str, message: str) -> tuple[bytes, bytes]:
    """Return the content type and body of a refusal: JSON under /api/, else HTML."""
    if scope["path"].startswith("/api/"):
        payload = {"code": code, "message": message, "fields": {}}
        return b"application/json", json.dumps(payload).encode()
    # A page a person can read on a phone and leave: the site's own pages are
    # not rendered here (Django has not run), so it is plain.
    page = (
        f"<!doctype html><html lang={escape(translation.get_language())}>"
        "<meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{escape(message)}</title><h1>{escape(message)}</h1>"
    )
    back = _same_site_referer(scope)
    page += f'<p><a href="{escape(back)}">{escape(str(gettext_lazy("Back")))}</a>'
    return b"text/html; charset=utf-8", page.encode()


def _same_site_referer(scope) -> str:
    """The page the visitor came from on this site, else the home page."""
    referer = urlsplit(_header(scope, b"referer"))
    if referer.netloc and referer.netloc == _header(scope, b"host"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


async def send_refusal(
    scope, send, *, status: int, code: str, message, headers=()
) -> None:
    """Answer an HTTP request from ASGI, before Django, and close the connection.

    ``message`` may be lazy: it is translated into the request's language.
    """
    with translation.override(_language(scope)):
        content_type, body = _refusal_body(scope, code, str(message))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _send_too_large(scope, send, limit: int) -> None:
    message = gettext_lazy("This request is too large: send at most %(mb)d MB, please.")
    with translation.override(_language(scope)):
        text = str(message) % {"mb": _megabytes(limit)}
    await send_refusal(scope, send, status=413, code="too_large", message=text)


class BodyLimitMiddleware:
    """ASGI middleware: HTTP bodies over the path's limit get 413, unstored."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            return await _send_too_large(scope, send, limit)
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive():
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Drop this chunk; to Django the client has gone away.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, counting_receive, watching_send)
        if exceeded and not response_started:
            await _send_too_large(scope, send, limit)
