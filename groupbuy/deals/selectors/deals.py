"""Open deals: lists, search, distance, prices and live progress."""

from __future__ import annotations

import math
import time

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.geo import haversine_m, is_valid_coordinate
from groupbuy.catalog.models import Branch, Category
from groupbuy.catalog.selectors.name_search import (
    initials_match,
    match_ranks,
    pinyin_match,
    written_match,
)
from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.deals.models import Deal, DealOrder, DealTier
from groupbuy.deals.order_keepers import sales_of
from groupbuy.deals.pricing import highest_price_fen, next_tier, tier_reached

State = Deal.State
Status = DealOrder.Status


def _participants_count() -> Coalesce:
    # A correlated subquery, not a JOIN + GROUP BY: the database counts the
    # orders of the deals on the page only, through the (deal, status) index,
    # instead of grouping every order of every matching deal before the LIMIT.
    participating = (
        DealOrder.objects.filter(
            deal_id=OuterRef("pk"), status__in=DealOrder.PARTICIPATING_STATUSES
        )
        .order_by()
        .values("deal_id")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(participating), Value(0))


def _with_details(deals: QuerySet) -> QuerySet:
    """Add what a deal card shows: merchant, product, tiers, participants."""
    return (
        deals.select_related("merchant", "product", "product__category")
        .annotate(participants=_participants_count())
        .prefetch_related(
            Prefetch("tiers", queryset=DealTier.objects.order_by("min_participants"))
        )
    )


def deal_prices(deal: Deal) -> dict:
    """Return the card's prices from prefetched tiers: now, at most and at best."""
    tiers = sorted(deal.tiers.all(), key=lambda tier: tier.min_participants)
    participants = getattr(deal, "participants", None)
    if participants is None:
        participants = deal_participants(deal)
    reached = tier_reached(tiers, participants)
    return {
        "current_price_fen": deal.final_price_fen
        or (reached.price_fen if reached else highest_price_fen(tiers)),
        "highest_price_fen": highest_price_fen(tiers),
        "lowest_price_fen": tiers[-1].price_fen,
    }


def deals_priced(deal_ids) -> dict[int, Deal]:
    """Return ``{pk: deal}`` for ``deal_ids``, each with what ``deal_prices``
    reads (tiers, participants): two queries for a whole list of cards."""
    return {
        deal.pk: deal for deal in _with_details(Deal.objects.filter(pk__in=deal_ids))
    }


def deal_participants(deal: Deal) -> int:
    return deal.orders.filter(status__in=DealOrder.PARTICIPATING_STATUSES).count()


def _epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def deal_sales_end_at(*, deal: Deal):
    """Return when ``deal`` stops selling, as people are told: its row's deadline,
    or, for a deal another app sells (a team buy, ``deals.order_keepers``), that
    app's end of sales (the row closes later, so that app decides first)."""
    return sales_of([deal])[deal.pk].ends_at


def deal_progress(*, deal_public_id: str) -> dict | None:
    """Return the JSON snapshot watchers get; None for unknown or draft deals."""
    deal = (
        Deal.objects.filter(public_id=deal_public_id).exclude(state=State.DRAFT).first()
    )
    if deal is None:
        return None
    tiers = list(deal.tiers.order_by("min_participants"))
    participants = deal_participants(deal)
    # A deal another app sells (a team buy) counts its units and ends its sales
    # there, as its page and card do; its row would say "0 sold" and count down
    # to its closing an hour later.
    sales = sales_of([deal])[deal.pk]
    current, upcoming = (
        tier_reached(tiers, participants),
        next_tier(tiers, participants),
    )
    return {
        "deal_id": deal.public_id,
        "state": deal.state,
        "participants": participants,
        "units_sold": sales.sold,
        "stock": sales.stock,
        "current_tier": current.as_dict() if current else None,
        "next_tier": upcoming.as_dict() if upcoming else None,
        "participants_to_next_tier": (
            upcoming.min_participants - participants if upcoming else None
        ),
        "final_price_fen": deal.final_price_fen,
        "starts_ms": _epoch_ms(deal.starts_at),
        "deadline_ms": _epoch_ms(sales.ends_at),
        "server_now_ms": time.time_ns() // 1_000_000,
    }


def _category_ids(category: str) -> set[int]:
    root = Category.objects.filter(Q(public_id=category) | Q(slug=category)).first()
    if root is None:
        return set()
    found, frontier = {root.pk}, {root.pk}
    while frontier:
        frontier = (
            set(
                Category.objects.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            - found
        )
        found |= frontier
    return found


# What holds the pinyin a deal is found by: its title, its product, its shop.
_KEYS = ("", "product__", "merchant__")


def _written(term: str) -> Q:
    return (
        Q(title__icontains=term)
        | Q(merchant__name__icontains=term)
        | written_match(term, path="product__")
    )


def _search(deals: QuerySet, search: str) -> QuerySet:
    """Keep the deals matching every word of ``search``, annotated with
    ``search_rank``: lowest when every word is in the title, the merchant's
    name or the product's names as written, then when pinyin of the title, the
    product's or the shop's name was needed ("niunai"), then initials ("nn"):
    ``name_search.match_ranks``."""
    terms = search.split()[:8]
    for term in terms:
        found = _written(term)
        for path in _KEYS:
            found |= pinyin_match(term, path=path) | initials_match(term, path=path)
        deals = deals.filter(found)
    ranks, found_otherwise = match_ranks(terms, written=_written, paths=_KEYS)
    return deals.annotate(
        search_rank=Case(*ranks, default=found_otherwise, output_field=IntegerField())
    )


def _merchant_distances(merchant_ids, latitude, longitude) -> dict[int, float]:
    branches = Branch.objects.filter(
        merchant_id__in=merchant_ids,
        is_active=True,
        latitude__isnull=False,
        longitude__isnull=False,
    ).values_list("merchant_id", "latitude", "longitude")
    nearest: dict[int, float] = {}
    for merchant_id, lat, lng in branches:
        metres = haversine_m(latitude, longitude, float(lat), float(lng))
        nearest[merchant_id] = min(metres, nearest.get(merchant_id, math.inf))
    return nearest


def _check_coordinates(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(
            "invalid_location", _("Give both latitude and longitude, or neither.")
        )
    if latitude is not None and not is_valid_coordinate(latitude, longitude):
        raise DomainError("invalid_location", _("That location is not on Earth."))


def deal_list_open(
    *,
    search: str = "",
    category: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> PageResult:
    """Return open deals, soonest deadline first, or nearest branch first when a
    location is given; each has ``participants`` and ``distance_m`` (or None).

    ``search`` matches the title, product names (zh/en), brand, aliases and
    merchant, or the product's or the shop's Chinese name typed as pinyin or
    its initials;
    deals it found as written come before those it found by pinyin, which come
    before those found by initials. ``category`` (public id or slug) includes
    its sub-categories.
    """
    _check_coordinates(latitude, longitude)
    deals = Deal.objects.filter(state=State.OPEN, deadline_at__gt=timezone.now())
    searching = bool(search.strip())
    deals = (
        _search(deals, search) if searching else deals.annotate(search_rank=Value(0))
    )
    if category:
        deals = deals.filter(product__category_id__in=_category_ids(category))
    if latitude is None:
        ordered = _with_details(deals).order_by("search_rank", "deadline_at", "id")
        result = paginate(ordered, page=page, page_size=page_size)
        for deal in result.items:
            deal.distance_m = None
        return result
    rows = list(deals.values_list("pk", "merchant_id", "deadline_at", "search_rank"))
    nearest = _merchant_distances({row[1] for row in rows}, latitude, longitude)
    rows.sort(key=lambda row: (row[3], nearest.get(row[1], math.inf), row[2], row[0]))
    result = paginate([row[0] for row in rows], page=page, page_size=page_size)
    by_pk = _with_details(Deal.objects.filter(pk__in=result.items)).in_bulk()
    result.items = [by_pk[pk] for pk in result.items]
    for deal in result.items:
        deal.distance_m = nearest.get(deal.merchant_id)
    return result
