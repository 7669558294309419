"""One-time keys a client sends so that a request repeated (a retry after a
timeout, a double tap) does what the first did and nothing more.

The API's keys are 16 to 36 letters, digits, ``-`` or ``_``: a UUID fits, and a
key too short to be random is refused. Each app stores its own keys, unique per
person, so the database settles two requests that arrive at once.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from ninja import Header

from groupbuy.core.errors import DomainError

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,36}$"

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def idempotency_key_rule() -> str:
    """The rule a malformed key broke, in the reader's language: what the
    schemas' pattern refusal says too (core.validation_messages)."""
    return _("An idempotency key is 16 to 36 letters, digits, - or _.")


def idempotency_key_sent(request, in_body: str | None) -> str:
    """Return the request's one-time key, from its body (``idempotency_key``,
    already checked by the schema) or its ``Idempotency-Key`` header; "" if
    neither has one.

    Both may be sent, if they agree. A malformed header, or a header and body
    that differ, is a 422 ``invalid`` on ``idempotency_key``: the request is
    refused as it is read, as the schema refuses a malformed body's key."""
    in_header = request.headers.get(IDEMPOTENCY_KEY_HEADER)
    if in_header is None:
        return in_body or ""
    message = ""
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, in_header):
        message = idempotency_key_rule()
    elif in_body is not None and in_body != in_header:
        message = _("The Idempotency-Key header and idempotency_key differ.")
    if message:
        raise DomainError(
            "invalid", message, status=422, fields={"idempotency_key": [message]}
        )
    return in_header


# What the API's documentation says of the header (the OpenAPI schema is in
# English, as its other descriptions).
_HEADER_DESCRIPTION = (
    "A one-time key for this request, instead of (or, if they agree, as well "
    "as) the body's idempotency_key: 16 to 36 letters, digits, - or _ (a UUID "
    "fits). Sent again with the same request, it answers what the first did "
    "and does nothing more. A malformed one, or one that differs from the "
    "body's, is a 422 invalid naming idempotency_key."
)


def idempotency_key_header():
    """The ``Idempotency-Key`` header as an operation's parameter, so that the
    OpenAPI schema lists it on the operations that read it
    (``idempotency_key_sent``): ``idempotency_key_header: str | None =
    idempotency_key_header()``.

    For the documentation only: its pattern is in the schema, not checked by
    Ninja, so a malformed header is refused by ``idempotency_key_sent`` as
    before (a 422 on ``idempotency_key``, in the reader's language), and the
    operation reads the key from there."""
    header = Header(
        None,
        alias=IDEMPOTENCY_KEY_HEADER,
        description=_HEADER_DESCRIPTION,
        example="3f1c9a1e-5b7d-4c1a-9e2f-0a6b8d4c2e11",
    )
    # Documented, not validated (Header's own pattern would be checked by
    # Ninja, refusing a malformed header in other words than the body's key).
    header.json_schema_extra["pattern"] = IDEMPOTENCY_KEY_PATTERN
    return header
