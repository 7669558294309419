"""Base45 (RFC 9285) by lookup tables, for the hot issue and verify paths.

The ``base45`` package is the reference implementation, and the tests check
these functions against it on random inputs; it loops per byte in Python, which
alone cost about a third of an issue. Here a 2-byte group is one table lookup.
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
_DECODE_TRIPLE = {
    text: value.to_bytes(2, "big") for value, text in enumerate(_ENCODE_PAIR)
}
_DECODE_PAIR = {text: bytes([value]) for value, text in enumerate(_ENCODE_SINGLE)}


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
    full, rest = divmod(len(text), 3)
    if rest == 1:
        raise ValueError("invalid Base45 length")
    try:
        body = b"".join(
            map(
                _DECODE_TRIPLE.__getitem__,
                [text[index : index + 3] for index in range(0, full * 3, 3)],
            )
        )
        if rest:
            body += _DECODE_PAIR[text[full * 3 :]]
    except KeyError as error:
        raise ValueError("invalid Base45") from error
    return body
