"""Closing a demand: cancelled by its initiator or an erasure, or expired."""

from __future__ import annotations

from dataclasses import dataclass

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
    notify_cancelled_by_platform,
    notify_closed,
)
from groupbuy.demands.services.lifecycle.common import (
    State,
    Status,
    check_initiator,
    check_platform_operator,
    lock_demand,
    platform_reason,
)


def demand_cancel(*, actor, demand: Demand) -> Demand:
    """Cancel a demand before any offer is accepted; every deposit goes back."""
    check_initiator(actor, demand)
    return _close(actor=actor, demand=demand, to_state=State.CANCELLED)


def demand_cancel_by_platform(*, actor, demand: Demand, reason: str) -> Demand:
    """Cancel a demand that breaks the rules (operators only): every deposit
    goes back as when its initiator cancels, and the initiator and everyone
    who joined are told ``reason``. Closed already, or a group buy launched
    from it: refused (``Conflict``), nothing changed."""
    check_platform_operator(actor)
    reason = platform_reason(reason)
    return _close(
        actor=actor,
        demand=demand,
        to_state=State.CANCELLED,
        platform=PlatformCancel(reason=reason),
    )


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


@dataclass(frozen=True)
class PlatformCancel:
    """An operator cancelling a demand that breaks the rules: their reason is
    told to everyone in it, and a demand closed already is refused."""

    reason: str


def _close(
    *, actor, demand: Demand, to_state: str, platform: PlatformCancel | None = None
) -> Demand:
    with transaction.atomic():
        participations = list(demand.participations.select_related("shopper"))
        lock_deposit_intents(participations)
        demand = lock_demand(demand)
        if demand.state in (State.CANCELLED, State.EXPIRED):
            if platform is not None:
                raise Conflict("demand_closed", _("This demand is already closed."))
            return demand
        if demand.state == State.ACCEPTED:
            raise _accepted_conflict(by_platform=platform is not None)
        participations += _joined_meanwhile(demand, participations)
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
        if platform is not None:
            audit_log(
                actor=actor,
                action="demands.demand.cancelled_by_platform",
                obj=demand,
                data={"refunded_fen": refunds, "reason": platform.reason},
            )
            notify_cancelled_by_platform(
                demand=demand, participations=participations, reason=platform.reason
            )
        else:
            audit_log(
                actor=actor,
                action=f"demands.demand.{to_state}",
                obj=demand,
                data={"refunded_fen": refunds},
            )
            if was_published:
                notify_closed(demand=demand, participations=participations)
        push_demand(demand)
    return demand


def _accepted_conflict(*, by_platform: bool) -> Conflict:
    if by_platform:
        message = _(
            "An offer was accepted and a group buy was launched from this demand: "
            "it can't be cancelled. Stop that group buy instead."
        )
    else:
        message = _("An offer was accepted; it can't be cancelled.")
    return Conflict("offer_accepted", message)


def _joined_meanwhile(demand: Demand, participations) -> list:
    """Return the participations made while this waited for the demand's lock
    (a join commits under it), their deposit intents locked too, so none stays
    awaiting a deposit on a closed demand. Their intents are locked after the
    demand, against the usual order: each was made a moment ago, before anyone
    could pay it, so no deposit capture holds it and waits for the demand."""
    known = {participation.pk for participation in participations}
    newcomers = list(
        demand.participations.exclude(pk__in=known).select_related("shopper")
    )
    lock_deposit_intents(newcomers)
    return newcomers


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
