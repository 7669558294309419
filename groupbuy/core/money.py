"""The one way an amount of money is written for people: ¥1,234.56, -¥2.50.

Amounts are integer fen everywhere; this is used by the ``fen`` template filter,
the admin, API messages and notifications, so negatives and thousands read the
same on every surface.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def format_fen_for_spreadsheet(amount_fen: int) -> str:
    """Return ``amount_fen`` as a CSV export writes money: yuan with two
    decimals, no symbol nor grouping, so a spreadsheet reads a number (238.40,
    -12.00)."""
    return format_fen(amount_fen, symbol="", grouping=False)


def yuan_to_fen(value: Decimal) -> int:
    """A form's yuan (validated to two decimals) as integer fen."""
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Integer fen as the yuan a form field shows (two decimals); None stays."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))
