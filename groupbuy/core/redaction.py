"""Records kept as written (audit data, a provider's payload) shown to staff
with what they need not read cut: secrets, account numbers, phone numbers.

The stored row is never changed here (it is the proof of what happened);
only its display is. Erasure scrubs a person's data from the rows themselves
(``ops.personal_data``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.html import format_html

from groupbuy.accounts.phones import mask_phones_in_text

REDACTED = "[redacted]"
# Keys whose values nobody reads in a page: credentials and signatures. A key
# matches when these words stand in it as whole words (``access_token``,
# ``paySign``, ``app_private_key``), not inside another word: "design",
# "keyword", "monkey" and "signup_source" are plain data.
SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "sign",
    "signature",
    "key",
    "authorization",
    "cookie",
    "session",
    "ciphertext",
    "code_hash",
    # written as one word by the frameworks that send them
    "apikey",
    "sessionid",
    "csrftoken",
)
# The last word naming what kind of secret it is, not the secret itself
# (Alipay's ``sign_type``: "RSA2").
NOT_SECRET_LAST_WORDS = frozenset({"type"})
# Keys holding a money account or a person's id at a provider: the last four
# characters are enough to tell two apart.
ACCOUNT_KEY_PARTS = (
    "payee_account",
    "account_no",
    "card",
    "openid",
    "open_id",
    "buyer_id",
    "buyer_logon_id",
    "buyer_user_id",
    "email",
)
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def mask_account(value: str) -> str:
    """Show an account number (bank card, Alipay account, openid) by its last
    four characters only: ``****1234``; an e-mail address (an Alipay account
    may be one) by its first character and its domain: ``m****@example.com``,
    as its last four (``.com``) tell none apart."""
    text = str(value or "")
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if at and local:
        return f"{local[0]}****@{domain}"
    return f"****{text[-4:]}" if len(text) > 4 else "****"


def key_words(key: str) -> tuple[str, ...]:
    """Split a key into its lower-case words: ``paySign`` and ``pay_sign`` are
    both ``("pay", "sign")``."""
    spaced = _CAMEL_HUMP.sub("_", key).lower()
    return tuple(word for word in _NOT_A_LETTER.split(spaced) if word)


def _has_words(words: tuple[str, ...], part: str) -> bool:
    wanted = tuple(part.split("_"))
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def _kind_of_key(key: str) -> str:
    words = key_words(key)
    if not words:
        return ""
    if words[-1] not in NOT_SECRET_LAST_WORDS and any(
        _has_words(words, part) for part in SECRET_KEY_PARTS
    ):
        return "secret"
    if any(_has_words(words, part) for part in ACCOUNT_KEY_PARTS):
        return "account"
    return ""


def redacted(value: Any, key: str = "") -> Any:
    """Return ``value`` (JSON-like) as staff may read it: secrets replaced,
    accounts by their last four characters, phone numbers masked."""
    kind = _kind_of_key(key)
    if isinstance(value, dict):
        return {name: redacted(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [redacted(item, key) for item in value]
    if kind == "secret" and value not in (None, ""):
        return REDACTED
    if kind == "account" and isinstance(value, str | int):
        return mask_account(str(value))
    if isinstance(value, str):
        return mask_phones_in_text(value)
    return value


def redacted_json_html(value: Any) -> str:
    """``value`` redacted, as indented JSON in a <pre> for an admin page."""
    text = json.dumps(
        redacted(value), ensure_ascii=False, indent=2, sort_keys=True, default=str
    )
    return format_html('<pre class="redacted-data">{}</pre>', text)
