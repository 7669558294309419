"""Checking a deal's terms as a whole before it is saved or opened."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.money import MOST_PRICE_FEN, format_fen
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.setup.limits import (
    MAX_TIERS,
    MOST_BUYERS_PER_TIER,
    MOST_STOCK,
    MOST_UNITS_PER_ORDER,
    deadline_passed,
    deadline_too_late,
    everyday_price_exceeded,
    group_price_not_below,
    is_whole,
    latest_deadline,
    limit_above_stock,
    not_listed,
    stock_too_large,
)


def _tier_errors(tiers, *, list_price_fen, require_discount: bool) -> list[str]:
    if not tiers:
        return [_("Add at least one price tier.")]
    if len(tiers) > MAX_TIERS:
        return [_("A deal has at most %(n)s price tiers.") % {"n": MAX_TIERS}]
    pairs = [tuple(tier) for tier in tiers]
    if any(len(pair) != 2 or not all(map(is_whole, pair)) for pair in pairs):
        return [_("Each tier is a number of buyers and a price in fen.")]
    if any(buyers < 1 for buyers, _price in pairs):
        return [_("A tier needs at least one buyer.")]
    if any(buyers > MOST_BUYERS_PER_TIER for buyers, _price in pairs):
        return [
            _("A tier needs at most %(most)s buyers.")
            % {"most": f"{MOST_BUYERS_PER_TIER:,}"}
        ]
    if any(price < 1 for _buyers, price in pairs):
        return [_("Every tier price must be more than zero.")]
    if any(price > MOST_PRICE_FEN for _buyers, price in pairs):
        return [
            _("A tier price may be at most %(price)s.")
            % {"price": format_fen(MOST_PRICE_FEN)}
        ]
    ordered = sorted(pairs)
    if len({buyers for buyers, _price in ordered}) != len(ordered):
        return [_("Two tiers have the same number of buyers.")]
    if any(later[1] >= earlier[1] for earlier, later in pairwise(ordered)):
        return [_("Each tier with more buyers must be cheaper than the one before.")]
    if not is_whole(list_price_fen):
        return []
    # The dearest tier (fewest buyers) is the one to compare: at the list price
    # a "group price" is no discount at all.
    if require_discount and ordered[0][1] >= list_price_fen:
        return [group_price_not_below(list_price_fen)]
    if ordered[0][1] > list_price_fen:
        return [_("Group prices cannot be above the list price.")]
    return []


def _validation_errors(fields: dict, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not fields["title"].strip():
        add("title", _("Give the deal a title."))
    elif len(fields["title"].strip()) > 200:
        add("title", _("Keep the title to at most 200 characters."))
    if not is_whole(fields["list_price_fen"]) or fields["list_price_fen"] < 1:
        add("list_price_fen", _("The list price must be more than zero."))
    elif fields["list_price_fen"] > MOST_PRICE_FEN:
        add(
            "list_price_fen",
            _("The list price may be at most %(price)s.")
            % {"price": format_fen(MOST_PRICE_FEN)},
        )
    elif above := _list_price_above_shelf(fields):
        add("list_price_fen", above)
    for message in _tier_errors(
        fields["tiers"],
        list_price_fen=fields["list_price_fen"],
        require_discount=fields.get("require_discount", True),
    ):
        add("tiers", message)
    stock = fields["stock"]
    if not is_whole(stock) or stock < 1:
        add("stock", _("Stock must be at least one unit."))
    elif stock > MOST_STOCK:
        add("stock", stock_too_large())
    elif "tiers" not in errors and stock < min(b for b, _p in fields["tiers"]):
        add(
            "stock",
            ngettext(
                "A stock of %(stock)s unit can never reach the first tier.",
                "A stock of %(stock)s units can never reach the first tier.",
                stock,
            )
            % {"stock": stock},
        )
    limit = fields["max_quantity_per_order"]
    if not is_whole(limit) or limit < 1:
        add("max_quantity_per_order", _("Allow at least one unit per order."))
    elif limit > MOST_UNITS_PER_ORDER:
        add(
            "max_quantity_per_order",
            _("Allow at most %(most)s units per order.")
            % {"most": f"{MOST_UNITS_PER_ORDER:,}"},
        )
    elif "stock" not in errors and limit > stock:
        # No order could ever take that many: the limit would promise buyers
        # what the deal does not have.
        add("max_quantity_per_order", limit_above_stock(stock))
    starts_at, deadline_at = fields["starts_at"], fields["deadline_at"]
    for name, moment in (("starts_at", starts_at), ("deadline_at", deadline_at)):
        if not isinstance(moment, datetime) or timezone.is_naive(moment):
            add(name, _("Give a date and time with its time zone."))
    if "starts_at" not in errors and "deadline_at" not in errors:
        # The past first: a start left empty is now, and "after the start" read
        # as if the owner had given one.
        if deadline_at <= now:
            add("deadline_at", deadline_passed())
        elif deadline_at <= starts_at:
            add("deadline_at", _("The deadline must be after the start."))
        elif deadline_at > (latest := latest_deadline(starts_at=starts_at, since=now)):
            add("deadline_at", deadline_too_late(latest))
    if not fields["product"].is_active:
        add("product", _("This product is no longer sold."))
    elif _original_price_without_listing(fields):
        add("product", not_listed())
    return errors


def _original_price_without_listing(fields: dict) -> bool:
    """Whether the deal shows an original price the shop has no everyday price to
    back: its list price is struck through beside its group prices as what the
    shop charges, so a product the shop does not list (or no longer lists)
    would let any figure through. A deal sold at an agreed price (a demand's
    offer, ``require_discount`` False, its list price its only tier's price)
    claims no discount and needs no listing."""
    from groupbuy.catalog.selectors import listing_for

    if listing_for(merchant=fields["merchant"], product=fields["product"]):
        return False
    if fields.get("require_discount", True):
        return True
    prices = [tier[1] for tier in fields["tiers"] if len(tuple(tier)) == 2]
    if not prices or not all(map(is_whole, [*prices, fields["list_price_fen"]])):
        return False  # refused on its own field
    return fields["list_price_fen"] > max(prices)


def _list_price_above_shelf(fields: dict) -> str:
    everyday = everyday_price_exceeded(
        merchant=fields["merchant"],
        product=fields["product"],
        price_fen=fields["list_price_fen"],
    )
    if everyday is None:
        return ""
    return _(
        "The list price cannot be above %(price)s, what you sell this product for "
        "every day: buyers would see a discount that is not there."
    ) % {"price": format_fen(everyday)}


def fields_of(deal: Deal) -> dict:
    return {
        "merchant": deal.merchant,
        "product": deal.product,
        "title": deal.title,
        "list_price_fen": deal.list_price_fen,
        "tiers": [(t.min_participants, t.price_fen) for t in deal.tiers.all()],
        "stock": deal.stock,
        "starts_at": deal.starts_at,
        "deadline_at": deal.deadline_at,
        "max_quantity_per_order": deal.max_quantity_per_order,
    }


def raise_if_invalid(fields: dict) -> None:
    errors = _validation_errors(fields, now=timezone.now())
    if errors:
        first = next(iter(errors.values()))[0]
        raise DealError("invalid", first, fields=errors)
