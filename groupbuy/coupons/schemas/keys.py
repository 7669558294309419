"""The shop's coupon key (its till) and the platform's keys."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from groupbuy.core.api_types import JsonBool, answer_choices
from groupbuy.coupons.models import MerchantKey


def _key_bytes(value: str) -> bytes:
    # Raised while the request's language is active: the API shows the message
    # as is under the field (core.validation_messages).
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as error:
        raise ValueError(_("The public key must be Base64 text.")) from error
    if len(raw) != 32:
        raise ValueError(
            _("The public key must be 32 bytes long (44 characters of Base64).")
        )
    return raw


class KeyRegisterIn(Schema):
    public_key: str = Field(description="X25519 public key, Base64")
    signing_public_key: str = Field(description="Ed25519 public key, Base64")
    device_name: str = Field(default="", max_length=80)
    replace_current: JsonBool = Field(
        default=False,
        description="Replace the shop's current key (every station set up with "
        "it stops until set up again); without it a shop that has a key is "
        "answered 409 key_exists.",
    )

    @field_validator("public_key", "signing_public_key")
    @classmethod
    def _is_key(cls, value: str) -> str:
        _key_bytes(value)
        return value


class KeyGenerateIn(Schema):
    replace_current: JsonBool = Field(
        default=False,
        description="Replace the shop's current key; without it a shop that has "
        "a key is answered 409 key_exists.",
    )


class KeyFileOut(Schema):
    """The key file ``keys/generate`` answers once, as a JSON attachment: the
    private halves are never stored, so keep it (``groupbuy station init
    --key-file FILE`` reads it)."""

    kind: Literal["groupbuy-merchant-coupon-key"]
    merchant_id: str
    key_id: str
    sealing_private_key: str = Field(description="Base64 of the X25519 private key.")
    signing_private_key: str = Field(description="Base64 of the Ed25519 private key.")


class KeyOut(Schema):
    key_id: str
    origin: str = answer_choices(MerchantKey.Origin)
    device_name: str
    resealed: int = 0


class PlatformKeyOut(Schema):
    platform_id: str
    key_id: int
    public_key: str
    valid_until: datetime | None
