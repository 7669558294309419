"""Quote what a request sent inside a refusal, safely.

A refusal that names the value it refuses ("“12345” has a wrong check digit")
helps the person who typed it, but the value is the client's: a line break, a
NUL, an escape sequence or a right-to-left override sent in it went back
verbatim into the message (and so into logs, pages and terminals that show it),
and a megabyte sent came back as a megabyte. Every refusal that quotes the input
quotes ``echoed(value)``.
"""

import re

ECHO_MAX_CHARS = 40
# Control characters (C0, DEL, C1), and the marks that reorder or hide text
# (bidirectional overrides and isolates, zero-width characters, the BOM).
_UNSHOWN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+"
)
REPLACEMENT = "\ufffd"


def echoed(value: object, *, limit: int = ECHO_MAX_CHARS) -> str:
    """Return ``value`` as text to quote in a message: each run of control or
    reordering characters shown as one "�", and at most ``limit`` characters
    (the rest cut to "…")."""
    text = _UNSHOWN.sub(REPLACEMENT, str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"
