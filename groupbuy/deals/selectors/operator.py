"""Reads for the operator's page of a group buy: the deal, the money it still
holds (what stopping it gives back) and its orders."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from groupbuy.core.errors import NotFound
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.order_keepers import kept_purposes
from groupbuy.deals.selectors.orders import orders_with_paid_fen
from groupbuy.deals.services.common import check_is_operator
from groupbuy.deals.services.payments import ORDER_PURPOSE, order_held_fen

ORDERS_PAGE_SIZE = 20
# The orders a stop or a failed close refunds in full.
LIVE_STATUSES = [DealOrder.Status.PAID, DealOrder.Status.PENDING_PAYMENT]


@dataclass(frozen=True)
class HeldMoney:
    """What a deal's live orders' payments still hold in escrow, and from how
    many buyers: what stopping it gives back."""

    buyers: int
    held_fen: int


def deal_get_for_operator(*, user, deal_id: str) -> Deal:
    """Return a deal of any shop, any state, for an operator (403 for anyone
    else, before a missing deal's 404: a shopper learns nothing)."""
    check_is_operator(actor=user)
    deal = (
        Deal.objects.select_related("merchant", "product")
        .prefetch_related("tiers")
        .filter(public_id=deal_id)
        .first()
    )
    if deal is None:
        raise NotFound("not_found", _("There is no such group buy."))
    return deal


def deal_held_money(*, deal: Deal) -> HeldMoney:
    held = (
        DealOrder.objects.filter(deal=deal, status__in=LIVE_STATUSES)
        # A place another app keeps (a team's) is paid under that app's
        # purpose, and a stop refunds it too (``deals.order_keepers``).
        .annotate(held_fen=order_held_fen([ORDER_PURPOSE, *kept_purposes()]))
        .filter(held_fen__gt=0)
        .aggregate(buyers=Count("shopper", distinct=True), total=Sum("held_fen"))
    )
    return HeldMoney(buyers=held["buyers"], held_fen=held["total"] or 0)


def deal_orders_for_operator(*, deal: Deal, page: int = 1) -> PageResult:
    """Return a page of the deal's orders, newest first, each with its shopper
    and ``paid_fen``."""
    orders = orders_with_paid_fen(
        DealOrder.objects.filter(deal=deal).select_related("deal", "shopper")
    )
    return paginate(
        orders.order_by("-joined_at", "-id"), page=page, page_size=ORDERS_PAGE_SIZE
    )


def deals_open_for_product(
    *, product, page: int = 1, page_size: int = 10
) -> PageResult:
    """Return a page of the open group buys of ``product`` at every shop,
    soonest deadline first, each with its merchant (the operator's page of a
    product: what stopping selling it leaves without new joins)."""
    deals = Deal.objects.filter(product=product, state=Deal.State.OPEN)
    return paginate(
        deals.select_related("merchant").order_by("deadline_at", "id"),
        page=page,
        page_size=page_size,
    )
