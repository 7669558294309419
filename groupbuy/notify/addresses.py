"""Addresses of people who are not members yet: parse, and hash for matching.

The hash is keyed (HMAC-SHA256 with GROUPBUY_CONTACT_HASH_KEY, by default the
SECRET_KEY), so a leaked table cannot be reversed by hashing every phone number
(China's mobile numbers are only ~10⁹ guesses). Rotating the key orphans the
pending invitations: they are then neither matched nor delivered again.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.validators import validate_email

from groupbuy.accounts.phones import normalize_phone
from groupbuy.notify.models import Invitation


def contact_hash(kind: str, normalized_address: str) -> str:
    """Return the keyed hash of an already normalised phone (E.164) or email."""
    secret = getattr(settings, "GROUPBUY_CONTACT_HASH_KEY", "") or settings.SECRET_KEY
    key = secret.encode()
    message = f"groupbuy.contact:{kind}:{normalized_address}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def parse_address(raw: str) -> tuple[str, str]:
    """Return (kind, normalised address) for a phone number or email address.

    Raise ValidationError when it is neither.
    """
    text = (raw or "").strip()
    if "@" in text:
        validate_email(text)
        local, _, domain = text.rpartition("@")
        return Invitation.Kind.EMAIL, f"{local}@{domain.lower()}"
    return Invitation.Kind.PHONE, normalize_phone(text)
