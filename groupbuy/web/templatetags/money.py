"""Money in templates: amounts are integer fen, people read ¥12.34.

{% load money %}  {{ order.amount_fen|fen }} → ¥12.34   {{ -250|fen }} → -¥2.50
{{ line.amount_fen|fen_change }} → +¥12.34, −¥2.50 (a balance's change)
{{ listing.price_fen|yuan }} → 12.34 (for form inputs and tables with a ¥ header)
"""

from __future__ import annotations

from django import template

from groupbuy.core.money import format_fen, format_fen_change

register = template.Library()


@register.filter
def fen(value) -> str:
    """Render integer fen as ¥12.34 (with thousands separators); blank as —."""
    try:
        return format_fen(int(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def fen_change(value) -> str:
    """Render integer fen as a balance's change: +¥12.34, −¥2.50 (a true
    minus sign); blank as —."""
    try:
        return format_fen_change(int(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def yuan(value) -> str:
    """Render integer fen as a plain decimal, 12.34, as a price input expects."""
    try:
        return format_fen(int(value), symbol="", grouping=False)
    except (TypeError, ValueError):
        return ""


@register.filter
def order_money(order):
    """An order's paid, refunded and kept money (``deals.selectors.OrderMoney``):
    ``{% with money=order|order_money %}{{ money.kept_fen|fen }}``."""
    from groupbuy.deals.selectors import order_money as money_of

    return money_of(order=order)
