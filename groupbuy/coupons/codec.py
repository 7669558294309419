"""The coupon format (CN102509141A), as pure functions: no Django, no database.

A coupon is a versioned CBOR array ``[version, platform_id, key_id, serial,
merchant_id, product_id, consumer_ref, quantity, not_before, expires]``, signed
by the platform with Ed25519 (signature first, as PyNaCl does), sealed to the
merchant's X25519 public key (``SealedBox``) and written as text with the
``GB1:`` prefix in Base45 (RFC 9285, what QR stores in alphanumeric mode) or
Base64. Opening reverses every step and returns a :class:`Coupon` or raises a
:class:`CodeError` whose ``code`` names exactly what is wrong.

The station imports this module without Django, so it must stay pure.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import re
import secrets
from collections.abc import Mapping

import cbor2
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from groupbuy.coupons import base45_tables

VERSION = 1
PREFIX = "GB1:"
SERIAL_BYTES = 8
CONSUMER_REF_BYTES = 8
SIGNATURE_BYTES = 64
SEALED_OVERHEAD = 48  # ephemeral public key + MAC of a SealedBox
BASE45_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
# Public ids are "<prefix>_" + 16 Crockford base32 characters (80 bits); inside a
# coupon only the 10 random bytes travel, which keeps the payload near 60 bytes.
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_ID_CHARS = 16
# Two base32 digits (10 bits) per table entry: 8 lookups per id.
_ID_PAIRS = [a + b for a in _ID_ALPHABET for b in _ID_ALPHABET]
_ID_PAIR_VALUE = {pair: value for value, pair in enumerate(_ID_PAIRS)}
_ID_SHIFTS = tuple(range(70, -1, -10))


class CodeError(ValueError):
    """A coupon text that must not be accepted; ``code`` says why."""

    MALFORMED = "malformed"
    NOT_FOR_THIS_MERCHANT = "not_for_this_merchant"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    WRONG_MERCHANT = "wrong_merchant"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"

    def __init__(self, code: str, message: str, *, expires: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        # An expired coupon's signed expiry (Unix seconds): the till names its day.
        self.expires = expires


def refusal_message(error: CodeError, gettext) -> str:
    """What to tell a cashier about ``error``, through ``gettext``: Django's on
    the platform, the station's own catalog at an offline till (one wording,
    one translation for both)."""
    messages = {
        CodeError.MALFORMED: gettext(
            "This code is damaged or incomplete. Scan it again or type it in full."
        ),
        CodeError.NOT_FOR_THIS_MERCHANT: gettext(
            "This code is not one of your coupons: it was altered, re-sealed or "
            "belongs to another merchant."
        ),
        CodeError.UNKNOWN_KEY: gettext(
            "This coupon was signed with a key that no longer verifies."
        ),
        CodeError.BAD_SIGNATURE: gettext(
            "The platform's signature on this coupon is not valid."
        ),
        CodeError.WRONG_MERCHANT: gettext(
            "This coupon was issued for another merchant."
        ),
        CodeError.NOT_YET_VALID: gettext("This coupon is not valid yet."),
        CodeError.EXPIRED: gettext("This coupon has expired."),
    }
    return messages.get(error.code, error.message)


@dataclasses.dataclass(frozen=True)
class Coupon:
    platform_id: str
    key_id: int
    serial: str  # 16 hex digits
    merchant_id: str  # public id, "mer_…"
    product_id: str  # public id, "prd_…"
    consumer_ref: str  # 16 hex digits, pseudonymous
    quantity: int
    not_before: int  # Unix seconds, UTC
    expires: int
    version: int = VERSION


@dataclasses.dataclass(frozen=True)
class PlatformKey:
    """A platform verify key; ``valid_until`` (Unix seconds) ends a retired key."""

    verify_key: bytes
    valid_until: int | None = None


def new_serial() -> str:
    return secrets.token_hex(SERIAL_BYTES)


# Cached: the coupons of one deal share their merchant and product ids.
@functools.lru_cache(maxsize=4096)
def pack_public_id(public_id: str, prefix: str) -> bytes:
    head, _, body = public_id.partition("_")
    if head != prefix or len(body) != _ID_CHARS:
        raise ValueError(f"not a {prefix} public id: {public_id!r}")
    number = 0
    try:
        for index in range(0, _ID_CHARS, 2):
            number = (number << 10) | _ID_PAIR_VALUE[body[index : index + 2]]
    except KeyError:
        raise ValueError(f"not a {prefix} public id: {public_id!r}") from None
    return number.to_bytes(10, "big")


def unpack_public_id(packed: bytes, prefix: str) -> str:
    if not isinstance(packed, bytes) or len(packed) != 10:
        raise ValueError("a packed id has 10 bytes")
    number = int.from_bytes(packed, "big")
    pairs = [_ID_PAIRS[(number >> shift) & 1023] for shift in _ID_SHIFTS]
    return f"{prefix}_{''.join(pairs)}"


def encode_payload(coupon: Coupon) -> bytes:
    return cbor2.dumps(
        [
            coupon.version,
            coupon.platform_id,
            coupon.key_id,
            bytes.fromhex(coupon.serial),
            pack_public_id(coupon.merchant_id, "mer"),
            pack_public_id(coupon.product_id, "prd"),
            bytes.fromhex(coupon.consumer_ref),
            coupon.quantity,
            coupon.not_before,
            coupon.expires,
        ]
    )


def decode_payload(data: bytes) -> Coupon:
    try:
        items = cbor2.loads(data)
    except Exception as error:  # cbor2 raises several types on junk
        raise _malformed() from error
    if not isinstance(items, list) or len(items) != 10 or items[0] != VERSION:
        raise _malformed()
    (
        _,
        platform_id,
        key_id,
        serial,
        merchant,
        product,
        consumer,
        quantity,
        not_before,
        expires,
    ) = items
    ints = (key_id, quantity, not_before, expires)
    if not isinstance(platform_id, str) or not all(
        isinstance(value, int) and not isinstance(value, bool) for value in ints
    ):
        raise _malformed()
    if not (isinstance(serial, bytes) and len(serial) == SERIAL_BYTES):
        raise _malformed()
    if not (isinstance(consumer, bytes) and len(consumer) == CONSUMER_REF_BYTES):
        raise _malformed()
    try:
        merchant_id = unpack_public_id(merchant, "mer")
        product_id = unpack_public_id(product, "prd")
    except ValueError as error:
        raise _malformed() from error
    return Coupon(
        platform_id=platform_id,
        key_id=key_id,
        serial=serial.hex(),
        merchant_id=merchant_id,
        product_id=product_id,
        consumer_ref=consumer.hex(),
        quantity=quantity,
        not_before=not_before,
        expires=expires,
    )


# Building a key object from its bytes derives the public half (a scalar
# multiplication as costly as a signature), so the few keys in use are kept.
@functools.lru_cache(maxsize=64)
def _signing_key(seed: bytes) -> SigningKey:
    return SigningKey(seed)


@functools.lru_cache(maxsize=256)
def _sealed_box_to(public_key: bytes) -> SealedBox:
    return SealedBox(PublicKey(public_key))


@functools.lru_cache(maxsize=64)
def _sealed_box_of(private_key: bytes) -> SealedBox:
    return SealedBox(PrivateKey(private_key))


@functools.lru_cache(maxsize=64)
def _verify_key(public_key: bytes) -> VerifyKey:
    return VerifyKey(public_key)


def sign(coupon: Coupon, signing_key: bytes) -> bytes:
    """Return signature (64 bytes) + CBOR payload."""
    return bytes(_signing_key(signing_key).sign(encode_payload(coupon)))


def seal(signed: bytes, merchant_public_key: bytes) -> bytes:
    return _sealed_box_to(merchant_public_key).encrypt(signed)


def to_text(sealed: bytes, *, alphabet: str = "base45") -> str:
    if alphabet == "base45":
        return PREFIX + base45_tables.encode(sealed)
    if alphabet == "base64":
        return PREFIX + base64.b64encode(sealed).decode("ascii")
    raise ValueError(f"unknown alphabet {alphabet!r}")


def issue(
    coupon: Coupon,
    *,
    signing_key: bytes,
    merchant_public_key: bytes,
    alphabet: str = "base45",
) -> str:
    """Sign, seal and write ``coupon`` as text."""
    return to_text(
        seal(sign(coupon, signing_key), merchant_public_key), alphabet=alphabet
    )


def normalise(text: str) -> str:
    """Strip what scanners and pasting add around a code (spaces, line ends)."""
    return text.strip().strip("\r\n")


_BASE64_ONLY = re.compile(r"[a-z=]")


def from_text(text: str) -> bytes:
    text = normalise(text)
    if not text.startswith(PREFIX):
        raise CodeError(
            CodeError.MALFORMED, "This is not a groupbuy coupon (no GB1: prefix)."
        )
    body = text[len(PREFIX) :]
    try:
        raw = base45_tables.decode(body)
    except ValueError as error:
        # Not Base45, so Base64 (the patent's alphabet) or junk. Only a body
        # with a character Base45 never writes (lower case, "=") is read as
        # Base64: a damaged Base45 code of upper case and digits is often
        # valid Base64 too, and would be reported as another merchant's.
        if not _BASE64_ONLY.search(body):
            raise _malformed() from error
        try:
            raw = base64.b64decode(body, validate=True)
        except (ValueError, binascii.Error) as error:
            raise _malformed() from error
    if len(raw) < SEALED_OVERHEAD + SIGNATURE_BYTES + 1:
        raise _malformed()
    return raw


def open_sealed(sealed: bytes, merchant_private_key: bytes) -> bytes:
    try:
        return _sealed_box_of(merchant_private_key).decrypt(sealed)
    except CryptoError as error:
        raise CodeError(
            CodeError.NOT_FOR_THIS_MERCHANT,
            "This coupon cannot be opened with this merchant's key: it is "
            "damaged or belongs to another merchant.",
        ) from error


def verify_signed(
    signed: bytes,
    *,
    merchant_id: str,
    platform_keys: Mapping[tuple[str, int], PlatformKey],
    now: int,
) -> Coupon:
    """Check the signature, the merchant and the validity window of ``signed``."""
    if len(signed) <= SIGNATURE_BYTES:
        raise _malformed()
    # Read the unverified payload only to pick the key; nothing else is trusted
    # before the signature checks out.
    claimed = decode_payload(signed[SIGNATURE_BYTES:])
    key = platform_keys.get((claimed.platform_id, claimed.key_id))
    if key is None or (key.valid_until is not None and now > key.valid_until):
        raise CodeError(
            CodeError.UNKNOWN_KEY,
            "This coupon was signed with a key this till does not know or no "
            "longer accepts. Sync the station and try again.",
        )
    try:
        _verify_key(key.verify_key).verify(signed)
    except BadSignatureError as error:
        raise CodeError(
            CodeError.BAD_SIGNATURE,
            "The platform's signature on this coupon is not valid: it was altered.",
        ) from error
    check_coupon(claimed, merchant_id=merchant_id, now=now)
    return claimed


def check_coupon(coupon: Coupon, *, merchant_id: str, now: int) -> None:
    # The sign-then-encrypt pitfall: a merchant can re-seal a genuine coupon to
    # another merchant, so the signed merchant must be the one verifying.
    if coupon.merchant_id != merchant_id:
        raise CodeError(
            CodeError.WRONG_MERCHANT, "This coupon was issued for another merchant."
        )
    if now < coupon.not_before:
        raise CodeError(CodeError.NOT_YET_VALID, "This coupon is not valid yet.")
    if now > coupon.expires:
        raise CodeError(
            CodeError.EXPIRED, "This coupon has expired.", expires=coupon.expires
        )


def open_coupon(
    text: str,
    *,
    merchant_id: str,
    merchant_private_key: bytes,
    platform_keys: Mapping[tuple[str, int], PlatformKey],
    now: int,
) -> Coupon:
    """Read, open and verify a coupon for ``merchant_id``; raise CodeError."""
    signed = open_sealed(from_text(text), merchant_private_key)
    return verify_signed(
        signed, merchant_id=merchant_id, platform_keys=platform_keys, now=now
    )


def _malformed() -> CodeError:
    return CodeError(
        CodeError.MALFORMED,
        "This code is damaged or incomplete. Scan it again or type it in full.",
    )
