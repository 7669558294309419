"""Base45 (RFC 9285) by lookup tables, for the hot issue and verify paths.

The ``base45`` package is the reference implementation, and the tests check
these functions against it on random inputs; it loops per byte in Python, which
alone cost about a third of an issue. Here encoding is one table lookup per
2-byte group, and decoding maps characters to digits in C.
"""

from __future__ import annotations

import struct

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _triple(value: int) -> str:
    high, rest = divmod(value, 45 * 45)
    middle, low = divmod(rest, 45)
    return ALPHABET[low] + ALPHABET[middle] + ALPHABET[high]


_ENCODE_PAIR = [_triple(value) for value in range(65_536)]
_ENCODE_SINGLE = [_triple(value)[:2] for value in range(256)]
# Decoding maps characters to digit values in C (bytes.translate) and combines
# each group of three in one comprehension.
_DIGITS = bytes.maketrans(ALPHABET.encode("ascii"), bytes(range(45)))
_ALPHABET_BYTES = ALPHABET.encode("ascii")


def encode(data: bytes) -> str:
    pairs = len(data) // 2
    text = "".join(
        map(_ENCODE_PAIR.__getitem__, struct.unpack(f">{pairs}H", data[: pairs * 2]))
    )
    if len(data) % 2:
        text += _ENCODE_SINGLE[data[-1]]
    return text


def decode(text: str) -> bytes:
    """Decode Base45; raise ValueError on any character or group out of range."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as error:
        raise ValueError("invalid Base45 character") from error
    full, rest = divmod(len(raw), 3)
    if rest == 1:
        raise ValueError("invalid Base45 length")
    if raw.translate(None, _ALPHABET_BYTES):
        raise ValueError("invalid Base45 character")
    digits = raw.translate(_DIGITS)
    end = full * 3
    values = [
        low + 45 * middle + 2025 * high
        for low, middle, high in zip(
            digits[0:end:3], digits[1:end:3], digits[2:end:3], strict=True
        )
    ]
    if values and max(values) > 0xFFFF:
        raise ValueError("invalid Base45 group")
    body = struct.pack(f">{full}H", *values)
    if rest:
        last = digits[end] + 45 * digits[end + 1]
        if last > 0xFF:
            raise ValueError("invalid Base45 group")
        body += bytes([last])
    return body
