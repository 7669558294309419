"""Base45 (RFC 9285) by lookup tables, for the hot issue and verify paths.

The ``base45`` package is the reference implementation, and the tests check
these functions against it on random inputs; it loops per byte in Python, which
alone cost about a third of an issue. Here encoding gathers every 2-byte group's
three characters from a table in one numpy indexing, and decoding maps
characters to digits in C and combines the groups in one numpy product.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _triple(value: int) -> str:
    high, rest = divmod(value, 45 * 45)
    middle, low = divmod(rest, 45)
    return ALPHABET[low] + ALPHABET[middle] + ALPHABET[high]


_ENCODE_SINGLE = [_triple(value)[:2] for value in range(256)]
# Decoding maps characters to digit values in C (bytes.translate) and combines
# every group of three in one numpy product.
_DIGITS = bytes.maketrans(ALPHABET.encode("ascii"), bytes(range(45)))
_ALPHABET_BYTES = ALPHABET.encode("ascii")


class _Tables(NamedTuple):
    encode_pairs: numpy.ndarray
    weights: numpy.ndarray


@functools.cache
def _tables() -> _Tables:
    """Build the numpy tables on the first coupon, not when a process starts:
    numpy and the 65,536-entry table cost every process ~0.1 s of CPU, and
    most (a management command, a page server) never issue a coupon."""
    import numpy

    # Every 2-byte value's three characters as one array of 3-byte strings:
    # encoding gathers every group in one numpy indexing (a Python lookup per
    # group touched 95 scattered string objects per coupon, several times
    # slower).
    values = numpy.arange(65_536)
    digits = numpy.stack([values % 45, values // 45 % 45, values // (45 * 45)], 1)
    alphabet = numpy.frombuffer(_ALPHABET_BYTES, numpy.uint8)
    encode_pairs = numpy.frombuffer(alphabet[digits].tobytes(), "S3")
    # Each group of three digits is low + 45 × middle + 2025 × high.
    weights = numpy.array([1, 45, 2025], numpy.int32)
    return _Tables(encode_pairs=encode_pairs, weights=weights)


def encode(data: bytes) -> str:
    import numpy

    pairs = len(data) // 2
    text = ""
    if pairs:
        groups = numpy.frombuffer(data, ">u2", count=pairs)
        text = _tables().encode_pairs[groups].tobytes().decode("ascii")
    if len(data) % 2:
        text += _ENCODE_SINGLE[data[-1]]
    return text


def decode(text: str) -> bytes:
    """Decode Base45; raise ValueError on any character or group out of range."""
    import numpy

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
    body = b""
    if full:
        groups = numpy.frombuffer(digits, numpy.uint8, count=end).reshape(full, 3)
        values = groups @ _tables().weights
        if values.max() > 0xFFFF:
            raise ValueError("invalid Base45 group")
        body = values.astype(">u2").tobytes()
    if rest:
        last = digits[end] + 45 * digits[end + 1]
        if last > 0xFF:
            raise ValueError("invalid Base45 group")
        body += bytes([last])
    return body
