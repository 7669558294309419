"""GTIN-8/12/13/14 (EAN-8, UPC-A, EAN-13, ITF-14): check digits and one canonical form.

Readers report a UPC-A as a 13-digit EAN with a leading zero, so every lookup
compares the 14-digit form (left-padded with zeros).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from groupbuy.core.echo import echoed

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for ``body`` (all digits but the last)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in GTIN_LENGTHS
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def clean_gtin(raw: str) -> str:
    """Return ``raw`` without spaces or dashes, or raise ValidationError."""
    code = "".join((raw or "").split()).replace("-", "")
    if not code.isascii() or not code.isdigit() or len(code) not in GTIN_LENGTHS:
        raise ValidationError(
            _("A GTIN has 8, 12, 13 or 14 digits; “%(code)s” does not."),
            code="gtin_length",
            params={"code": echoed(raw)},
        )
    expected = gtin_check_digit(code[:-1])
    if expected != int(code[-1]):
        raise ValidationError(
            _("“%(code)s” has a wrong check digit (expected %(expected)s)."),
            code="gtin_check_digit",
            params={"code": echoed(raw), "expected": expected},
        )
    return code


def gtin14(code: str) -> str:
    """Return the canonical 14-digit form of a valid GTIN."""
    return code.zfill(14)


def validate_gtin(value: str) -> None:
    clean_gtin(value)
