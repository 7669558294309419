"""The one way an amount of money is written for people: ¥1,234.56, -¥2.50,
and a balance's change in a list of lines: +¥12.00, −¥2.50.

Amounts are integer fen everywhere; this is used by the ``fen`` template filter,
the admin, API messages and notifications, so negatives and thousands read the
same on every surface.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ¥999,999.99: far above any shop or group-buy price (a larger one is a typo),
# far below the price columns' limit.
MOST_PRICE_FEN = 99_999_999


def format_fen(amount_fen: int, *, symbol: str = "¥", grouping: bool = True) -> str:
    """Return ``amount_fen`` as yuan with two decimals, the sign before the symbol."""
    amount = int(amount_fen)
    sign = "-" if amount < 0 else ""
    yuan, fen = divmod(abs(amount), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{symbol}{whole}.{fen:02d}"


# A true minus sign (U+2212), as wide as the plus beside it: a list of
# balance changes reads −¥2.50 against +¥12.00, not a hyphen.
MINUS_SIGN = "\u2212"


def format_fen_change(amount_fen: int) -> str:
    """Return ``amount_fen`` as a change of a balance, signed either way:
    +¥12.00, −¥2.50 (a true minus sign), ¥0.00. For people only; a CSV keeps
    ``format_fen_for_spreadsheet``'s hyphen, which spreadsheets read."""
    amount = int(amount_fen)
    whole = format_fen(abs(amount))
    if amount > 0:
        return f"+{whole}"
    return f"{MINUS_SIGN}{whole}" if amount < 0 else whole


def format_fen_for_spreadsheet(amount_fen: int) -> str:
    """Return ``amount_fen`` as a CSV export writes money: yuan with two
    decimals, no symbol nor grouping, so a spreadsheet reads a number (238.40,
    -12.00)."""
    return format_fen(amount_fen, symbol="", grouping=False)


# An amount as people type it: digits, a point before the fen, commas only
# between thousands ("1,234.56", "12,345", not "0,050"); a sign is read so that "-3" is
# refused as not positive rather than as gibberish. No exponent ("1e2"), no
# NaN or infinity. \d also takes full-width digits (１２), as Decimal does.
_YUAN_AS_TYPED = re.compile(
    r"[+-]?(?:(?!0)\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+"
)
_CURRENCY_SIGNS = ("¥", "￥")
# A Chinese input method types full-width forms by default ("１２．００", "＋",
# "，"): folded to their ASCII forms (NFKC) before reading. Only these: NFKC
# of the whole text would also read a superscript "12²" as 122. "。" is what
# the point key types in Chinese punctuation mode ("12。50").
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_IDEOGRAPHIC_FULL_STOP = "。"


class YuanSyntaxError(ValueError):
    """Typed text that is not an amount in yuan. ``code`` is "misplaced_comma"
    when the text is an amount but for a comma where no thousands separator
    goes ("0,05", "1,00", "1,2345": a decimal comma is never guessed), else
    "invalid"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_yuan(text: str) -> Decimal:
    """Read an amount typed in yuan ("12.5", "¥1,234.56", "￥12，345",
    "１２．５０") as a Decimal, exactly as written; raise YuanSyntaxError
    otherwise.

    Full-width digits and signs read as their ASCII forms, "。" as the point.
    A comma (or the full-width "，") is read only as a thousands separator in
    its place. The amount's size, sign and number of decimals are the caller's
    to check."""
    text = _FULL_WIDTH.sub(_ascii_form, str(text))
    text = text.replace(_IDEOGRAPHIC_FULL_STOP, ".").strip()
    for sign in _CURRENCY_SIGNS:
        if text.startswith(sign):
            text = text[len(sign) :].strip()
            break
    if not _YUAN_AS_TYPED.fullmatch(text):
        ungrouped = text.replace(",", "")
        if "," in text and _YUAN_AS_TYPED.fullmatch(ungrouped):
            raise YuanSyntaxError("misplaced_comma")
        raise YuanSyntaxError("invalid")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern lets none through
        raise YuanSyntaxError("invalid") from None


def _ascii_form(found: re.Match) -> str:
    return unicodedata.normalize("NFKC", found[0])


def yuan_to_fen(value: Decimal) -> int:
    """A form's yuan (validated to two decimals) as integer fen."""
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Integer fen as the yuan a form field shows (two decimals); None stays."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))
