"""Moving a demand's deadline, and telling those it concerns."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.demands import rules
from groupbuy.demands.live import push_deadline, push_demand
from groupbuy.demands.models import Demand, Offer
from groupbuy.demands.notifications import (
    notify_deadline_changed,
)
from groupbuy.demands.services.lifecycle.common import (
    State,
    Status,
    check_initiator,
    check_open_until_deadline,
    lock_demand,
)


def demand_change_deadline(*, actor, demand: Demand, deadline_at) -> Demand:
    """Move an open demand's deadline later, or sooner (its initiator only).

    Sooner needs notice once the demand is published (``rules.check_notice``):
    someone who joined or offered counting on the time must have it to act.
    Everyone who joined and every merchant with an open offer is told; open
    countdowns move at once. Asking again for the same deadline changes nothing.
    """
    check_initiator(actor, demand)
    now = timezone.now()
    rules.check_deadline(deadline_at, now=now)
    with transaction.atomic():
        demand = lock_demand(demand)
        if demand.deadline_at == deadline_at and demand.is_open:
            return demand
        check_open_until_deadline(demand)
        is_sooner = deadline_at < demand.deadline_at
        if is_sooner and demand.state == State.PUBLISHED:
            rules.check_notice(deadline_at, now=now)
        previous = demand.deadline_at
        demand.deadline_at = deadline_at
        demand.save(update_fields=["deadline_at", "updated_at"])
        change = "brought_forward" if is_sooner else "extended"
        audit_log(
            actor=actor,
            action=f"demands.demand.deadline_{change}",
            obj=demand,
            data={
                "deadline_at": deadline_at.isoformat(),
                "previous_deadline_at": previous.isoformat(),
            },
        )
        if demand.state == State.PUBLISHED:
            _tell_deadline_changed(demand, previous=previous, change=change)
    return demand


def _tell_deadline_changed(demand: Demand, *, previous, change: str) -> None:
    participations = list(
        demand.participations.filter(
            status__in=(Status.ACTIVE, Status.AWAITING_DEPOSIT)
        ).select_related("shopper")
    )
    offers = list(
        demand.offers.filter(state=Offer.State.ACTIVE).select_related("created_by")
    )
    notify_deadline_changed(
        demand=demand,
        participations=participations,
        offers=offers,
        previous=previous,
        is_sooner=change == "brought_forward",
    )
    push_deadline(demand, reason=change)
    push_demand(demand)
