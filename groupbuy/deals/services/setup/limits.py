"""The limits a deal's terms keep, and the messages that refuse them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.money import format_fen

MAX_TIERS = 10
# Far above any real group buy, far below the columns' limits: a number past
# them is a typo, and one past 2**63 was a 500 (the database's integer overflow).
MOST_STOCK = 1_000_000
MOST_BUYERS_PER_TIER = MOST_STOCK
MOST_UNITS_PER_ORDER = 1_000
DEFAULT_UNITS_PER_ORDER = 5


def is_whole(value) -> bool:
    """Whether ``value`` is a whole number (a bool, which Python counts as one,
    is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def group_price_not_below(list_price_fen: int) -> str:
    return _(
        "Every group price must be below the list price (%(price)s): "
        "a tier at the list price offers buyers no discount."
    ) % {"price": format_fen(list_price_fen)}


def stock_too_large() -> str:
    return _("A group buy has at most %(most)s units of stock.") % {
        "most": f"{MOST_STOCK:,}"
    }


def not_listed() -> str:
    return _(
        "Your shop does not list this product: list it at its everyday price "
        "first, as the deal's list price is shown as what you sell it for."
    )


def limit_above_stock(stock: int) -> str:
    return ngettext(
        "The deal has %(stock)s unit in stock: allow at most %(stock)s per order.",
        "The deal has %(stock)s units in stock: allow at most %(stock)s per order.",
        stock,
    ) % {"stock": stock}


def default_limit(stock) -> int:
    """Return the most units per order a deal gets when none is given: 5, or
    its whole stock when that is less."""
    if is_whole(stock) and 1 <= stock < DEFAULT_UNITS_PER_ORDER:
        return stock
    return DEFAULT_UNITS_PER_ORDER


def deal_max_days() -> int:
    return getattr(settings, "GROUPBUY_DEAL_MAX_DAYS", 90)


def latest_deadline(*, starts_at: datetime, since: datetime) -> datetime:
    """Return the latest deadline of a deal selling from ``starts_at``, or from
    ``since`` (now, or when an open deal was made) when that is later. Buyers'
    payments wait in escrow until the deadline: a deal in 2099 would hold them
    for years."""
    return max(starts_at, since) + timedelta(days=deal_max_days())


def deadline_too_late(latest: datetime) -> str:
    return _(
        "A group buy sells for at most %(days)s days, as buyers' payments wait "
        "until its deadline: choose a deadline by %(latest)s."
    ) % {
        "days": deal_max_days(),
        "latest": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M"),
    }


def deadline_passed() -> str:
    return _("This deadline has passed: choose a time in the future.")


def everyday_price_exceeded(*, merchant, product, price_fen: int) -> int | None:
    """Return the merchant's everyday price of ``product`` when ``price_fen`` is
    above it, else None. A list price is shown struck through beside the group
    price as what the shop charges: above its everyday price it is a discount
    that never was (a fictitious original price, which China's price rules
    forbid). A product the merchant does not list has nothing to compare with:
    a deal that shows an original price is refused for it on its own
    (``validation._original_price_without_listing``)."""
    from groupbuy.catalog.selectors import listing_for

    listing = listing_for(merchant=merchant, product=product)
    if listing is None or price_fen <= listing.price_fen:
        return None
    return listing.price_fen
