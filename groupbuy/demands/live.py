"""What watchers of a demand page are told: ``demand.updated`` after commit.

The event carries the deadline as absolute epoch milliseconds, so the clock
module renders it against the server's time, and any change (a join, a deposit
paid or started again, an offer sent, replaced or withdrawn, acceptance,
closing) reaches every open page
through ``realtime.publish``; ``demand.photo_hidden`` takes a photo an operator
hid off them, ``demand.photo_removed`` one its initiator removed.
"""

from __future__ import annotations

from groupbuy.realtime import publish


def demand_group(demand_public_id: str) -> str:
    """Name the group of everyone watching one demand."""
    return f"demand.{demand_public_id}"


def demand_progress(demand) -> dict:
    from groupbuy.demands.selectors import (
        committed_units,
        offers_changed_ms,
        units_still_wanted,
    )

    return {
        "demand_id": demand.public_id,
        "state": demand.state,
        "quantity_wanted": demand.quantity_wanted,
        "committed_units": committed_units(demand),
        # what a join may still take: a join (paid or not) and a late deposit
        # taking its units again change it, so the page's "8 units are still
        # wanted" follows (a join's hold running out changes it unannounced)
        "units_still_wanted": units_still_wanted(demand),
        "open_offers": demand.offers.filter(state="active").count(),
        # Offers are not in the event: who may see which is the page's to say
        # (participants all, a merchant its own). A page whose offers are older
        # than this fetches them.
        "offers_changed_ms": offers_changed_ms(demand),
        "deadline_ms": demand.deadline_ms,
        "deal_id": demand.deal.public_id if demand.deal_id else None,
    }


def push_demand(demand) -> None:
    """Tell the demand's watchers its progress once the transaction commits."""
    publish(
        demand_group(demand.public_id),
        {"type": "demand.updated", **demand_progress(demand)},
    )


def push_photo_hidden(*, demand_public_id: str, photo_public_id: str) -> None:
    """Take a photo an operator hid off every open page of its demand, once
    the transaction commits (``demand.photo_hidden``)."""
    publish(
        demand_group(demand_public_id),
        {
            "type": "demand.photo_hidden",
            "demand_id": demand_public_id,
            "photo_id": photo_public_id,
        },
    )


def push_photo_removed(*, demand_public_id: str, photo_public_id: str) -> None:
    """Take a photo its initiator removed off every open page of its demand,
    once the transaction commits (``demand.photo_removed``)."""
    publish(
        demand_group(demand_public_id),
        {
            "type": "demand.photo_removed",
            "demand_id": demand_public_id,
            "photo_id": photo_public_id,
        },
    )


def _publish_deadline(demand_public_id: str, deadline_at, reason: str) -> None:
    from groupbuy.clock.services import deadline_event

    # Built when sent (after commit): clients judge lateness by ``sent_ms``.
    event = deadline_event(
        deal_id=demand_public_id, deadline=deadline_at, reason=reason
    )
    event.pop("deal_id")
    publish(
        demand_group(demand_public_id),
        {**event, "type": "demand.deadline", "demand_id": demand_public_id},
    )


def push_deadline(demand, *, reason: str) -> None:
    """Move every open countdown of the demand once the transaction commits."""
    from groupbuy.core.transactions import after_commit

    after_commit(_publish_deadline, demand.public_id, demand.deadline_at, reason)
