"""Opaque identifiers for everything a client sees.

Primary keys stay internal; clients get ``public_id`` values such as
``deal_4k9x2m7q8r3t5w6y``: a short type prefix (readable in logs and support
tickets) and 80 random bits in Crockford-style base32 (no guessable sequence).
"""

import secrets

from django.db import models
from django.utils.crypto import salted_hmac

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def random_code(length: int) -> str:
    """Return ``length`` random characters of the ids' alphabet (lower-case
    Crockford base32: no i, l, o or u to misread)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_public_id(prefix: str) -> str:
    return f"{prefix}_" + random_code(16)


class PublicIdField(models.CharField):
    """A unique opaque id filled in when the row is first saved."""

    def __init__(self, *args, prefix: str = "", **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        for key, default in (
            ("max_length", 40),
            ("unique", True),
            ("editable", False),
            ("blank", True),
        ):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not value:
            value = new_public_id(self.prefix)
            setattr(model_instance, self.attname, value)
        return value


# The value it had when only pooling's chats had keys, kept so that a page open
# across a deploy still knows its reader's messages.
_AUTHOR_KEY_SALT = "groupbuy.pooling.chat_author_key"


def author_key(*, room: models.Model, user_id: int) -> str:
    """The key of ``user_id``'s messages in ``room`` (a conversation: a pool, a
    contact request, a share's thread): the same on all of them there, in any
    language, for a page to tell its reader's own from the others' by; a name
    is no key, as a conversation names its authors in the reader's language
    and by what it shows of them then. Opaque: keyed with the site's secret,
    it names no account and links nobody's messages in one room to theirs in
    another."""
    value = f"{room._meta.label_lower}:{room.pk}:{user_id}"
    return salted_hmac(_AUTHOR_KEY_SALT, value, algorithm="sha256").hexdigest()[:20]
