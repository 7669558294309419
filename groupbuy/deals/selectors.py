"""Reads of deals and orders for pages, the API and WebSockets.

Getters that fetch on behalf of a person check permission: a draft deal or
someone else's order is "not found" (404), another merchant's lists forbidden.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
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

from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.models import Branch, Category, ProductAlias
from groupbuy.core.errors import DomainError, Forbidden, NotFound
from groupbuy.core.pagination import DEFAULT_PAGE_SIZE, PageResult, paginate
from groupbuy.deals.buyers import (
    deal_first_buyers,
    deal_pickup_branches,
    mask_buyer_name,
    pickup_branch_for_deal,
)
from groupbuy.deals.models import Deal, DealOrder, DealTier
from groupbuy.deals.pricing import highest_price_fen, next_tier, tier_reached

__all__ = [  # the buyers' reads, re-exported: callers import from selectors
    "deal_first_buyers",
    "deal_pickup_branches",
    "mask_buyer_name",
    "pickup_branch_for_deal",
]

State = Deal.State
Status = DealOrder.Status
EARTH_RADIUS_M = 6_371_008.8


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


def deal_participants(deal: Deal) -> int:
    return deal.orders.filter(status__in=DealOrder.PARTICIPATING_STATUSES).count()


def _epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def deal_progress(*, deal_public_id: str) -> dict | None:
    """Return the JSON snapshot watchers get; None for unknown or draft deals."""
    deal = (
        Deal.objects.filter(public_id=deal_public_id).exclude(state=State.DRAFT).first()
    )
    if deal is None:
        return None
    tiers = list(deal.tiers.order_by("min_participants"))
    participants = deal_participants(deal)
    current, upcoming = (
        tier_reached(tiers, participants),
        next_tier(tiers, participants),
    )
    return {
        "deal_id": deal.public_id,
        "state": deal.state,
        "participants": participants,
        "units_sold": deal.sold,
        "stock": deal.stock,
        "current_tier": current.as_dict() if current else None,
        "next_tier": upcoming.as_dict() if upcoming else None,
        "participants_to_next_tier": (
            upcoming.min_participants - participants if upcoming else None
        ),
        "final_price_fen": deal.final_price_fen,
        "starts_ms": _epoch_ms(deal.starts_at),
        "deadline_ms": _epoch_ms(deal.deadline_at),
        "server_now_ms": time.time_ns() // 1_000_000,
    }


def _distance_m(lat_a: float, lng_a: float, lat_b: float, lng_b: float) -> float:
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    half_chord = (
        math.sin((phi_b - phi_a) / 2) ** 2
        + math.cos(phi_a)
        * math.cos(phi_b)
        * math.sin(math.radians(lng_b - lng_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(half_chord)))


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


def _search(deals: QuerySet, search: str) -> QuerySet:
    for term in search.split()[:8]:
        alias = ProductAlias.objects.filter(
            product_id=OuterRef("product_id"), text__icontains=term
        )
        deals = deals.filter(
            Q(title__icontains=term)
            | Q(product__name_zh__icontains=term)
            | Q(product__name_en__icontains=term)
            | Q(product__brand__icontains=term)
            | Q(merchant__name__icontains=term)
            | Exists(alias)
        )
    return deals


def _merchant_distances(merchant_ids, latitude, longitude) -> dict[int, float]:
    branches = Branch.objects.filter(
        merchant_id__in=merchant_ids,
        is_active=True,
        latitude__isnull=False,
        longitude__isnull=False,
    ).values_list("merchant_id", "latitude", "longitude")
    nearest: dict[int, float] = {}
    for merchant_id, lat, lng in branches:
        metres = _distance_m(latitude, longitude, float(lat), float(lng))
        nearest[merchant_id] = min(metres, nearest.get(merchant_id, math.inf))
    return nearest


def _check_coordinates(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(
            "invalid_location", _("Give both latitude and longitude, or neither.")
        )
    if latitude is not None and not (
        -90 <= latitude <= 90 and -180 <= longitude <= 180
    ):
        raise DomainError("invalid_location", _("That location is not on Earth."))


def deal_list_open(
    *,
    search: str = "",
    category: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> PageResult:
    """Return open deals, soonest deadline first, or nearest branch first when a
    location is given; each has ``participants`` and ``distance_m`` (or None).

    ``search`` matches the title, product names (zh/en), brand, aliases and
    merchant; ``category`` (public id or slug) includes its sub-categories.
    """
    _check_coordinates(latitude, longitude)
    deals = Deal.objects.filter(state=State.OPEN, deadline_at__gt=timezone.now())
    if search.strip():
        deals = _search(deals, search)
    if category:
        deals = deals.filter(product__category_id__in=_category_ids(category))
    if latitude is None:
        ordered = _with_details(deals).order_by("deadline_at", "id")
        result = paginate(ordered, page=page, page_size=page_size)
        for deal in result.items:
            deal.distance_m = None
        return result
    rows = list(deals.values_list("pk", "merchant_id", "deadline_at"))
    nearest = _merchant_distances({row[1] for row in rows}, latitude, longitude)
    rows.sort(key=lambda row: (nearest.get(row[1], math.inf), row[2], row[0]))
    result = paginate([row[0] for row in rows], page=page, page_size=page_size)
    by_pk = _with_details(Deal.objects.filter(pk__in=result.items)).in_bulk()
    result.items = [by_pk[pk] for pk in result.items]
    for deal in result.items:
        deal.distance_m = nearest.get(deal.merchant_id)
    return result


def is_merchant_staff(*, user, merchant_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return user_membership_for(user=user, merchant_id=merchant_id) is not None


def deal_get_for_user(*, user, deal_id: str) -> Deal:
    """Return the deal with its details; drafts only for its merchant's staff."""
    deal = _with_details(Deal.objects.filter(public_id=deal_id)).first()
    if deal is None or (
        deal.state == State.DRAFT
        and not is_merchant_staff(user=user, merchant_id=deal.merchant_id)
    ):
        raise NotFound("not_found", _("There is no such group buy."))
    return deal


@dataclass
class DealDetail:
    deal: Deal
    progress: dict
    my_order: DealOrder | None
    join_refusal: DomainError | None
    can_manage: bool
    prices: dict = field(default_factory=dict)
    first_buyers: list[str] = field(default_factory=list)
    pickup_branches: list[Branch] = field(default_factory=list)
    # Where this buyer last picked up from this merchant, if this deal offers it
    # (public id): the join form starts on it.
    usual_pickup_branch: str | None = None
    # The most units this buyer may take now (order limit, stock, first tier).
    units_left_for_buyer: int = 0

    @property
    def can_join(self) -> bool:
        return self.join_refusal is None


def deal_detail_for_user(*, user, deal_id: str) -> DealDetail:
    """Return everything the deal page shows to ``user``, including their order
    (the live one, else the latest) and why they cannot join, if they cannot."""
    from groupbuy.deals.services import join_refusal
    from groupbuy.deals.services.orders import units_left_for_next_buyer

    deal = deal_get_for_user(user=user, deal_id=deal_id)
    my_order = None
    if getattr(user, "is_authenticated", False):
        mine = deal.orders.filter(shopper=user).select_related("payment_intent")
        my_order = mine.filter(status__in=DealOrder.ACTIVE_STATUSES).first() or (
            mine.order_by("-joined_at", "-id").first()
        )
    refusal = join_refusal(deal, quantity=1, now=timezone.now())
    if refusal is None and my_order is not None and my_order.is_active:
        refusal = DomainError(
            "already_joined", _("You have already joined this group buy.")
        )
    pickup_branches = deal_pickup_branches(deal)
    return DealDetail(
        deal=deal,
        progress=deal_progress(deal_public_id=deal.public_id) or {},
        my_order=my_order,
        join_refusal=refusal,
        can_manage=is_merchant_staff(user=user, merchant_id=deal.merchant_id),
        prices=deal_prices(deal),
        first_buyers=deal_first_buyers(deal),
        pickup_branches=pickup_branches,
        usual_pickup_branch=_usual_pickup_branch(user, deal, pickup_branches),
        units_left_for_buyer=min(
            deal.max_quantity_per_order, units_left_for_next_buyer(deal)
        ),
    )


def _usual_pickup_branch(user, deal: Deal, branches: list[Branch]) -> str | None:
    """The branch ``user`` chose for their latest order at the deal's merchant,
    when ``branches`` (the deal's) has it and there is a choice to make."""
    if len(branches) < 2 or not getattr(user, "is_authenticated", False):
        return None
    return (
        DealOrder.objects.filter(
            shopper=user,
            deal__merchant_id=deal.merchant_id,
            pickup_branch_id__in=[branch.pk for branch in branches],
        )
        .order_by("-joined_at", "-id")
        .values_list("pickup_branch__public_id", flat=True)
        .first()
    )


def _orders(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "deal",
        "deal__merchant",
        "deal__product",
        "shopper",
        "payment_intent",
        "pickup_branch",
    )


def order_list_for_shopper(
    *, user, status: str | None = None, page: int = 1, page_size=DEFAULT_PAGE_SIZE
) -> PageResult:
    """Return the shopper's orders, newest first."""
    if not getattr(user, "is_authenticated", False):
        return PageResult(items=[], page=1, page_size=page_size, total=0)
    orders = _orders(DealOrder.objects.filter(shopper=user))
    if status:
        orders = orders.filter(status=status)
    return paginate(orders, page=page, page_size=page_size)


def order_get_for_user(*, user, order_id: str) -> DealOrder:
    """Return the order for its shopper, its merchant's staff or an operator."""
    order = _orders(DealOrder.objects.filter(public_id=order_id)).first()
    is_allowed = order is not None and (
        order.shopper_id == getattr(user, "pk", None)
        or is_merchant_staff(user=user, merchant_id=order.deal.merchant_id)
    )
    if not is_allowed:
        raise NotFound("not_found", _("There is no such order."))
    return order


def _check_merchant_staff(*, user, merchant) -> None:
    if not is_merchant_staff(user=user, merchant_id=merchant.pk):
        raise Forbidden(
            "forbidden", _("Only this merchant's staff can see its group buys.")
        )


def deal_list_for_merchant(
    *, user, merchant, state: str | None = None, page=1, page_size=DEFAULT_PAGE_SIZE
) -> PageResult:
    """Return the merchant's deals (all states), latest deadline first."""
    _check_merchant_staff(user=user, merchant=merchant)
    deals = Deal.objects.filter(merchant=merchant)
    if state:
        deals = deals.filter(state=state)
    deals = _with_details(deals).order_by("-deadline_at", "-id")
    return paginate(deals, page=page, page_size=page_size)


def order_list_for_deal(
    *, user, deal: Deal, status: str | None = None, page=1, page_size=DEFAULT_PAGE_SIZE
) -> PageResult:
    """Return a deal's orders, newest first (its merchant's staff only)."""
    _check_merchant_staff(user=user, merchant=deal.merchant)
    orders = _orders(DealOrder.objects.filter(deal=deal))
    if status:
        orders = orders.filter(status=status)
    return paginate(orders, page=page, page_size=page_size)


def operator_overview(*, user) -> dict:
    """Return counts for the operator dashboard (operators only)."""
    if not getattr(user, "is_staff", False):
        raise Forbidden("forbidden", _("Only operators can see the overview."))
    now = timezone.now()
    deals_by_state = dict(
        Deal.objects.values("state").annotate(n=Count("id")).values_list("state", "n")
    )
    orders_by_status = dict(
        DealOrder.objects.values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "deals": {state: deals_by_state.get(state, 0) for state in State.values},
        "orders": {status: orders_by_status.get(status, 0) for status in Status.values},
        "deals_closing_within_24h": Deal.objects.filter(
            state=State.OPEN,
            deadline_at__gt=now,
            deadline_at__lte=now + timedelta(hours=24),
        ).count(),
        "deals_overdue": Deal.objects.filter(
            state=State.OPEN, deadline_at__lte=now
        ).count(),
        # "Today" is the operator's calendar day, in the display zone.
        "orders_joined_today": DealOrder.objects.filter(
            joined_at__gte=timezone.localtime(now).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
        ).count(),
    }
