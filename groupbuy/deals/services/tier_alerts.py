"""Telling a deal's owners when its paid orders reach a new price tier."""

from __future__ import annotations

from django.db import transaction

from groupbuy.deals import shop_notifications
from groupbuy.deals.models import Deal, DealOrder, DealTier
from groupbuy.deals.order_keepers import exclude_kept
from groupbuy.deals.pricing import tier_reached
from groupbuy.deals.services.common import State


def deal_tier_reached_notify(*, deal: Deal) -> DealTier | None:
    """Tell the owners of an open deal the highest tier its paid orders reach
    now, unless they were told of that tier already; return that tier (None
    below the first, or once the deal closed: its outcome is told then).

    Runs after a payment commits (``mark_paid_effects``) and reads committed
    orders, so of payments committing together the last one's check counts
    them all and no tier is missed. The notifications' idempotency keys (deal,
    tier, owner) keep each tier to one message per owner however many checks
    run at once; a tier reached again after buyers left is not told again.
    """
    with transaction.atomic():
        deal = (
            Deal.objects.filter(pk=deal.pk, state=State.OPEN)
            .prefetch_related("tiers")
            .first()
        )
        if deal is None:
            return None
        paid = deal.orders.filter(status__in=DealOrder.PARTICIPATING_STATUSES)
        buyers = exclude_kept(paid).count()
        reached = tier_reached(list(deal.tiers.all()), buyers)
        if reached is not None:
            shop_notifications.notify_owners_tier_reached(
                deal, tier=reached, buyers=buyers
            )
    return reached
