"""Every link the API answers is a whole address, built one way.

A partner's app has no page to resolve a path against: until 2026-12-06 a
share's ``url`` was a path ("/sharing/threads/…") while every ``pay_url`` was
whole. Links are now built as ``pay_url`` always was, by
``request.build_absolute_uri``: the scheme and host the request reached (the
proxy's ``X-Forwarded-Proto`` where ``SECURE_PROXY_SSL_HEADER`` trusts it), so
a client is sent back where it called. A link already whole (media on another
host) is answered unchanged, and "" (no link) stays "".

An answer's link field is typed ``AbsoluteUrl``: the handler gives the path
the site's pages use, and the answer, serialized with the request Ninja passes
in its context, gives the whole address. The OpenAPI document marks each
``format: uri`` (``core/tests/test_api_document_rules.py`` holds every ``url``
and ``*_url`` field to it).

A refusal's link (a ``DomainError``'s ``extra``: ``verify_url``) is built by a
service, which knows no request: it gives a ``SitePath``, which the site's
pages redirect to as it is and the API's error body gives whole
(``with_whole_links``; until 2026-12-07 a path).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import PlainSerializer, SerializationInfo, WithJsonSchema


def absolute_url(request, path: str) -> str:
    """Return ``path`` as a whole address on the site ``request`` reached."""
    return request.build_absolute_uri(path) if path else ""


class SitePath(str):
    """A path on this site that a refusal names beside its message."""


def with_whole_links(request, body: dict) -> dict:
    """Return an error ``body`` whose ``SitePath`` values are whole addresses."""
    return {
        key: absolute_url(request, value) if isinstance(value, SitePath) else value
        for key, value in body.items()
    }


def _answered(value: str | None, info: SerializationInfo) -> str | None:
    request = (info.context or {}).get("request")
    if request is None or not value:
        # outside an API answer (a live event, a test building the schema)
        return value
    return absolute_url(request, value)


AbsoluteUrl = Annotated[
    str,
    PlainSerializer(_answered, when_used="always"),
    # "" where there is no link (a product without a photo): a whole address
    # or empty, which the document says as such (a client's validator, and
    # schemathesis, refuse "" as a "uri")
    WithJsonSchema({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]}),
]
