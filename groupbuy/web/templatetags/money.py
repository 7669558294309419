"""Money in templates: amounts are integer fen, people read ¥12.34.

{% load money %}  {{ order.amount_fen|fen }} → ¥12.34   {{ -250|fen }} → -¥2.50
{{ listing.price_fen|yuan }} → 12.34 (for form inputs and tables with a ¥ header)
"""

from __future__ import annotations

from django import template

register = template.Library()


def _split(value) -> tuple[str, int, int] | None:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return None
    sign = "-" if amount < 0 else ""
    yuan, fen = divmod(abs(amount), 100)
    return sign, yuan, fen


@register.filter
def fen(value) -> str:
    """Render integer fen as ¥12.34 (with thousands separators); blank as —."""
    parts = _split(value)
    if parts is None:
        return "—"
    sign, yuan, cents = parts
    return f"{sign}¥{yuan:,}.{cents:02d}"


@register.filter
def yuan(value) -> str:
    """Render integer fen as a plain decimal, 12.34, as a price input expects."""
    parts = _split(value)
    if parts is None:
        return ""
    sign, whole, cents = parts
    return f"{sign}{whole}.{cents:02d}"
