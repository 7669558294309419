"""Snap's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.catalog.signals import (
    demand_thresholds_changed,
    reference_images_changed,
)
from groupbuy.deals.signals import deal_opened
from groupbuy.snap import engine, tasks
from groupbuy.snap.services.demand import demand_fulfil


@receiver(deal_opened, dispatch_uid="snap.demand_fulfil")
def on_deal_opened(sender, *, deal, actor=None, **kwargs) -> None:
    """Tell everyone who snapped the product while no deal existed (once each)."""
    demand_fulfil(actor=actor, deal=deal)


@receiver(reference_images_changed, dispatch_uid="snap.reference_index")
def on_reference_images_changed(sender, *, product_public_id, **kwargs) -> None:
    """Re-index the product's reference images (sent after the change commits)."""
    engine.reference_images_changed(product_public_id)


@receiver(demand_thresholds_changed, dispatch_uid="snap.demand_thresholds")
def on_demand_thresholds_changed(sender, **kwargs) -> None:
    """Mark or clear the products a changed threshold has moved, in a job."""
    tasks.snap_demand_thresholds_apply()
