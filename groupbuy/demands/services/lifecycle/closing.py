"""Closing a demand: cancelled by its initiator or an erasure, or expired."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.demands import search
from groupbuy.demands.deposits import (
    deposit_give_back,
    lock_deposit_intents,
)
from groupbuy.demands.live import push_demand
from groupbuy.demands.models import Demand
from groupbuy.demands.notifications import (
    notify_closed,
)
from groupbuy.demands.services.lifecycle.common import (
    State,
    Status,
    check_initiator,
    lock_demand,
)


def demand_cancel(*, actor, demand: Demand) -> Demand:
    """Cancel a demand before any offer is accepted; every deposit goes back."""
    check_initiator(actor, demand)
    return _close(actor=actor, demand=demand, to_state=State.CANCELLED)


def demands_cancel_for_erasure(*, user) -> int:
    """Cancel every demand ``user`` started that is still open (their account
    is being erased): only its starter may accept an offer, so it could never
    come to anything, while the deposits of those who joined it stayed held
    until its deadline. Every deposit goes back now, and those who joined are
    told. Return how many were cancelled."""
    open_demands = Demand.objects.filter(initiator=user, state__in=Demand.OPEN_STATES)
    for demand in open_demands:
        _close(actor=user, demand=demand, to_state=State.CANCELLED)
    return len(open_demands)


def _close(*, actor, demand: Demand, to_state: str) -> Demand:
    with transaction.atomic():
        participations = list(demand.participations.select_related("shopper"))
        lock_deposit_intents(participations)
        demand = lock_demand(demand)
        if demand.state in (State.CANCELLED, State.EXPIRED):
            return demand
        if demand.state == State.ACCEPTED:
            raise Conflict(
                "offer_accepted", _("An offer was accepted; it can't be cancelled.")
            )
        refunds = {}
        for participation in participations:
            if participation.status not in (Status.AWAITING_DEPOSIT, Status.ACTIVE):
                continue
            refunds[participation.public_id] = deposit_give_back(
                actor=actor, participation=participation, reason=f"demands.{to_state}"
            )
            participation.status = Status.REFUNDED
            participation.save(update_fields=["status", "updated_at"])
        was_published = demand.state == State.PUBLISHED
        demand.state = to_state
        demand.closed_at = timezone.now()
        demand.save(update_fields=["state", "closed_at", "updated_at"])
        demand.offers.filter(state="active").update(
            state="declined", updated_at=demand.closed_at
        )
        search.index_update(demand_id=demand.pk, text=None)
        audit_log(
            actor=actor,
            action=f"demands.demand.{to_state}",
            obj=demand,
            data={"refunded_fen": refunds},
        )
        push_demand(demand)
        if was_published:
            notify_closed(demand=demand, participations=participations)
    return demand


def demands_expire_due(*, now=None) -> int:
    """Close open demands past their deadline, refunding every deposit."""
    now = now or timezone.now()
    due = Demand.objects.filter(
        state__in=Demand.OPEN_STATES, deadline_at__lte=now
    ).order_by("pk")
    closed = 0
    for demand in due:
        try:
            _close(actor=None, demand=demand, to_state=State.EXPIRED)
            closed += 1
        except Conflict:
            continue  # accepted meanwhile
    return closed
