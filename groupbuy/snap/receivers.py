"""Snap's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.deals.signals import deal_opened
from groupbuy.snap.services.demand import demand_fulfil


@receiver(deal_opened, dispatch_uid="snap.demand_fulfil")
def on_deal_opened(sender, *, deal, actor=None, **kwargs) -> None:
    """Tell everyone who snapped the product while no deal existed (once each)."""
    demand_fulfil(actor=actor, deal=deal)
