"""Reads of a demand for the operators: any demand, any state, its people,
deposits and offers (the operator's demand page and API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.demands.models import Demand, Offer, Participation


def _check_operator(user) -> None:
    # Before a missing demand's 404: anyone else learns nothing.
    if not getattr(user, "is_staff", False):
        raise Forbidden("forbidden", _("Only platform operators can do this."))


def demand_get_for_operator(*, user, demand_id: str) -> Demand:
    """Return any demand, drafts too, for an operator (403 for anyone else)."""
    _check_operator(user)
    demand = (
        Demand.objects.select_related("initiator", "deal")
        .filter(public_id=demand_id)
        .first()
    )
    if demand is None:
        raise NotFound("not_found", _("There is no such demand."))
    return demand


def offer_get_for_operator(*, user, offer_id: str) -> Offer:
    """Return any shop's offer for an operator (403 for anyone else)."""
    _check_operator(user)
    offer = (
        Offer.objects.select_related("demand", "merchant", "product", "created_by")
        .filter(public_id=offer_id)
        .first()
    )
    if offer is None:
        raise NotFound("not_found", _("There is no such offer."))
    return offer


@dataclass(frozen=True)
class DemandForOperator:
    """What an operator weighs before cancelling: who joined, the deposits
    held (what a cancel gives back) and the shops' offers."""

    participations: list[Participation]
    offers: list[Offer]
    held_fen: int
    holders: int


def demand_for_operator(*, demand: Demand) -> DemandForOperator:
    participations = list(
        demand.participations.select_related("shopper").order_by("id")
    )
    holding = [p for p in participations if p.status == Participation.Status.ACTIVE]
    offers = list(
        demand.offers.select_related("merchant", "product").order_by("created_at", "id")
    )
    return DemandForOperator(
        participations=participations,
        offers=offers,
        held_fen=sum(p.deposit_fen for p in holding),
        holders=len(holding),
    )
