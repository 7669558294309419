"""Choosing a closed deal's tier again, before it settles."""

from __future__ import annotations

from groupbuy.core.audit import audit_log
from groupbuy.deals.models import Deal
from groupbuy.deals.order_keepers import exclude_kept
from groupbuy.deals.pricing import tier_reached
from groupbuy.deals.services.common import State
from groupbuy.deals.services.payments import confirmable_orders


def recount_before_settling(actor, deal: Deal) -> None:
    """Choose the tier again from the orders that can still be confirmed.

    An operator may have refunded part of an order between close and settle;
    that order will leave, and the others must not pay a tier it helped reach.
    """
    confirmable = exclude_kept(confirmable_orders(deal)).count()
    reached = tier_reached(list(deal.tiers.all()), confirmable)
    price = reached.price_fen if reached else None
    if price == deal.final_price_fen:
        return
    audit_log(
        actor=actor,
        action="deals.deal.repriced",
        obj=deal,
        data={"participants": confirmable, "was": deal.final_price_fen, "now": price},
    )
    deal.final_price_fen = price
    deal.state = State.SUCCEEDED if reached else State.FAILED
    deal.save(update_fields=["final_price_fen", "state", "updated_at"])
