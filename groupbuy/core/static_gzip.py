"""Send the site's scripts, stylesheets, pages and JSON answers gzipped.

whitenoise serves the static files from the apps' own directories
(``WHITENOISE_USE_FINDERS``: the embedded mode has no collectstatic step), where
no compressed copy lies beside a file, and a finder's file wins over one
collected into ``STATIC_ROOT``: so every script went out as it is on disk. A
first visit to a deal cost 141 KB of JavaScript and 27 KB of CSS, about 3.5 s
on a slow 3G phone; gzipped they are about a third of that.

The translation catalogue (jsi18n), a script the server writes the same for
everyone, is gzipped on each request. Each compressible file is compressed
once per process (remembered by its path,
size and modification time) and sent to a browser that accepts gzip, with
whitenoise's own headers (its ETag and Last-Modified, as whitenoise gives its
own compressed copies) and ``Vary: Accept-Encoding``.

Pages (HTML) and the API's JSON are gzipped too, since 2026-12-06: a deal's
page is 30-60 KB of markup, a slow network's seconds. They were left plain
for fear of BREACH, which guesses a secret in a compressed answer (a CSRF
token, a coupon code) from how its length changes with what the attacker
reflects into it. Django's own ``GZipMiddleware`` (since 4.2) answers that
with the "Heal The Breach" mitigation: each compressed answer carries up to
100 random bytes in the gzip header's file name (``max_random_bytes``,
``django/middleware/gzip.py`` and ``django.utils.text.compress_string``; Django
4.2 release notes, "GZipMiddleware now includes a mitigation for the BREACH
attack"), so lengths no longer tell; and Django masks the CSRF token anew on
every answer. Pages go through that middleware's ``process_response``, not a
copy of it. Streaming answers (downloads, exports, voice notes) and
attachments are left as they are: they are read a piece at a time
(``core/streaming.py``) and are files the browser saves, not pages.

This middleware sits just inside the ones that only set headers or replace a
whole answer (security, CSP, API errors as JSON) and outside every one that
writes a body, which Django's documentation asks of compression: what it
compresses is the answer as it leaves.
"""

from __future__ import annotations

import gzip
import os

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from groupbuy.core.middleware_shell import SyncAndAsyncMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/wasm",
    "image/svg+xml",
)
SMALLEST = 512  # bytes: below this gzip's header costs more than it saves
LARGEST = 4 * 1024 * 1024  # bytes: the barcode reader's WebAssembly is 1.1 MB
_compressed: dict[tuple[str, int, int], bytes] = {}
# The answers written per request that are compressed as pages are.
PAGE_TYPES = ("text/html", "application/json")
# Django's, for its Heal The Breach mitigation; it never calls get_response.
_PAGE_GZIP = GZipMiddleware(lambda request: None)


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def _file_path(response) -> str | None:
    """The path of the file a whitenoise response streams, if it is one."""
    filelike = getattr(response, "file_to_stream", None)
    name = getattr(filelike, "name", None)
    return name if isinstance(name, str) else None


def _is_compressible(request, response) -> bool:
    return (
        request.method == "GET"
        and request.path.startswith(settings.STATIC_URL)
        and response.status_code == 200
        and not response.has_header("Content-Encoding")
        and not request.META.get("HTTP_RANGE")
        and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
    )


def compressed_file(path: str) -> bytes | None:
    """Return the gzip of the file at ``path``, made once while it is unchanged;
    None for a file too small or too large to be worth it."""
    stat = os.stat(path)
    if not SMALLEST <= stat.st_size <= LARGEST:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _compressed:
        with open(path, "rb") as file:
            # mtime=0: the same bytes every time, whatever the process
            _compressed[key] = gzip.compress(file.read(), compresslevel=9, mtime=0)
    return _compressed[key]


def _is_a_written_script(request, response) -> bool:
    """A script the server writes (the translation catalogue, 15 KB on every
    page; the service worker): the same for everyone, no secret in it."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and response.get("Content-Type", "").startswith(
            ("text/javascript", "application/javascript")
        )
        and len(response.content) >= SMALLEST
    )


def _is_a_page(request, response) -> bool:
    """A page or a JSON answer written for this request, not a file to save."""
    return (
        not response.streaming
        and not request.path.startswith(settings.STATIC_URL)
        and response.get("Content-Type", "").startswith(PAGE_TYPES)
        and not response.get("Content-Disposition", "").startswith("attachment")
    )


def gzipped(request, response):
    """Return ``response`` gzipped if it is a compressible static file, a
    script, a page or a JSON answer the browser may take gzipped; otherwise
    ``response`` itself."""
    if _is_a_page(request, response):
        return _PAGE_GZIP.process_response(request, response)
    if _is_a_written_script(request, response):
        patch_vary_headers(response, ("Accept-Encoding",))
        if _accepts_gzip(request):
            response.content = gzip.compress(response.content, mtime=0)
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
            if response.has_header("ETag"):  # a validator of the plain bytes
                del response["ETag"]
        return response
    if not _is_compressible(request, response):
        return response
    # Either way the answer depends on Accept-Encoding: a cache between must not
    # hand the gzipped copy to a browser that did not ask for it.
    patch_vary_headers(response, ("Accept-Encoding",))
    if not _accepts_gzip(request):
        return response
    path = _file_path(response)
    body = compressed_file(path) if path else None
    if body is None:
        return response
    replacement = HttpResponse(body, status=200)
    for header, value in response.items():
        if header.lower() != "content-length":
            replacement[header] = value
    replacement["Content-Encoding"] = "gzip"
    replacement["Content-Length"] = str(len(body))
    response.close()
    return replacement


class StaticGzipMiddleware(SyncAndAsyncMiddleware):
    """Just above whitenoise's middleware, outside every one that writes a
    body: see the module's docstring."""

    def after(self, request, response):
        return gzipped(request, response)
