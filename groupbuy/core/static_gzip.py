"""Send the site's scripts and stylesheets gzipped.

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
own compressed copies) and ``Vary: Accept-Encoding``. Pages (HTML) are left
alone: they carry secrets (CSRF tokens, coupon codes) that compression would
expose to BREACH, and are small.
"""

from __future__ import annotations

import gzip
import os

from django.conf import settings
from django.http import HttpResponse
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


def gzipped(request, response):
    """Return ``response`` gzipped if it is a compressible static file or a
    script the browser may take gzipped; otherwise ``response`` itself."""
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
    """Just above whitenoise's middleware: see the module's docstring."""

    def after(self, request, response):
        return gzipped(request, response)
