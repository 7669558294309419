"""A demand from draft to published, joins, withdrawals, cancellation, expiry."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden, NotFound, all_or_errors
from groupbuy.core.transactions import after_commit
from groupbuy.demands import rules, search
from groupbuy.demands.deposits import (
    deposit_give_back,
    deposit_intent_start,
    lock_deposit_intents,
    units_taken_refusal,
)
from groupbuy.demands.errors import DemandError
from groupbuy.demands.live import push_deadline, push_demand
from groupbuy.demands.models import Demand, Offer, Participation
from groupbuy.demands.notifications import (
    notify_closed,
    notify_deadline_changed,
    notify_saved_searches,
)
from groupbuy.demands.photo_storage import demand_photos_make_public
from groupbuy.demands.selectors import units_still_wanted
from groupbuy.escrow.services import payment_intent_cancel

State = Demand.State
Status = Participation.Status


def _lock(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _check_initiator(actor, demand: Demand) -> None:
    if demand.initiator_id != getattr(actor, "pk", None):
        raise Forbidden("forbidden", _("Only the buyer who started this can do that."))


def demand_create(
    *,
    actor,
    title: str,
    description: str = "",
    category=None,
    quantity_wanted: int,
    initiator_quantity: int = 1,
    target_unit_price_fen: int,
    deadline_at,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Demand:
    """Draft a demand; it publishes once the initiator's deposit is captured."""
    rules.check_phone_verified(actor)
    now = timezone.now()
    title, description, *_checked = all_or_errors(
        lambda: rules.check_text(title, field="title", required=True, limit=120),
        lambda: rules.check_text(
            description, field="description", required=False, limit=4000
        ),
        lambda: rules.check_whole(
            quantity_wanted, field="quantity_wanted", low=1, high=rules.MAX_QUANTITY
        ),
        lambda: rules.check_own_units(
            initiator_quantity, quantity_wanted=quantity_wanted
        ),
        lambda: rules.check_price(target_unit_price_fen, field="target_unit_price_fen"),
        lambda: rules.check_deadline(deadline_at, now=now),
        lambda: rules.check_location(latitude, longitude),
        refusal=DemandError,
    )
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        demand = Demand.objects.create(
            initiator=actor,
            title=title,
            description=description,
            category=category,
            quantity_wanted=quantity_wanted,
            target_unit_price_fen=target_unit_price_fen,
            deadline_at=deadline_at,
            forfeit_rule=rules.forfeit_rule(),
            search_text=search.document_text(title=title, description=description),
            latitude=latitude,
            longitude=longitude,
        )
        Participation.objects.create(
            demand=demand,
            shopper=actor,
            is_initiator=True,
            quantity=initiator_quantity,
            deposit_fen=rules.deposit_fen_for(
                quantity=initiator_quantity,
                target_unit_price_fen=target_unit_price_fen,
            ),
        )
        audit_log(
            actor=actor,
            action="demands.demand.created",
            obj=demand,
            data={"quantity": quantity_wanted, "target_fen": target_unit_price_fen},
        )
    return demand


def demand_deposit_start(*, actor, demand: Demand):
    """Return the intent through which ``actor`` pays their deposit, their join
    holding its units for another payment window.

    A join past its window held nothing, so others may have taken its units:
    then paying is refused (409 ``units_taken``) and its unpaid intent cancelled,
    so that a pay page still open cannot take money for units it no longer has.
    Otherwise it takes them again."""
    participation = demand.participations.filter(shopper_id=actor.pk).first()
    if participation is None:
        raise NotFound("not_found", _("You have not joined this demand."))
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        # the deposits' lock order: the intent, the demand, the participation
        lock_deposit_intents([participation])
        intent = participation.intent
        demand = _lock(demand)
        participation = Participation.objects.select_for_update().get(
            pk=participation.pk
        )
        participation.intent = intent
        if participation.status != Status.AWAITING_DEPOSIT:
            raise Conflict("deposit_paid", _("Your deposit is already paid."))
        _check_open_until_deadline(demand)
        refusal = units_taken_refusal(demand=demand, participation=participation)
        if refusal is None:
            intent = deposit_intent_start(
                actor=actor, demand=demand, participation=participation
            )
            # "since it last tried to pay": the window starts again
            participation.save(update_fields=["updated_at"])
            push_demand(demand)  # its units may have been free until now
            return intent
        if intent is not None and intent.is_payable:
            payment_intent_cancel(actor=actor, intent=intent)
        audit_log(
            actor=actor,
            action="demands.deposit.refused",
            obj=participation,
            data={"reason": refusal.code, "units_left": refusal.extra["units_left"]},
        )
    raise refusal


def _check_open_until_deadline(demand: Demand) -> None:
    if not demand.is_open:
        raise Conflict("demand_closed", _("This demand is closed."))
    now = timezone.now()
    if now >= demand.deadline_at:
        raise rules.deadline_passed_error(deadline_at=demand.deadline_at, now=now)


def demand_publish(*, actor, demand: Demand) -> Demand:
    """Publish a draft whose initiator's deposit is captured (the right to publish)."""
    _check_initiator(actor, demand)
    with transaction.atomic():
        demand = _lock(demand)
        if demand.state == State.PUBLISHED:
            return demand
        if demand.state != State.DRAFT:
            raise Conflict("demand_closed", _("This demand is closed."))
        _check_open_until_deadline(demand)
        initiator = demand.participations.get(is_initiator=True)
        if initiator.status != Status.ACTIVE:
            raise Conflict(
                "deposit_not_captured",
                _("Pay your deposit first; publishing needs it."),
            )
        demand.state = State.PUBLISHED
        demand.published_at = timezone.now()
        demand.save(update_fields=["state", "published_at", "updated_at"])
        search.index_update(demand_id=demand.pk, text=demand.search_text)
        audit_log(actor=actor, action="demands.demand.published", obj=demand)
        push_demand(demand)
        notify_saved_searches(demand=demand)
        # public now: its photos too (files move once the state is committed)
        after_commit(demand_photos_make_public, demand_id=demand.pk)
    return demand


def demand_join(*, actor, demand: Demand, quantity: int):
    """Join a published demand; return (participation, deposit intent)."""
    rules.check_phone_verified(actor)
    rules.check_whole(quantity, field="quantity", low=1, high=rules.MAX_QUANTITY)
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        demand = _lock(demand)
        if demand.state != State.PUBLISHED:
            raise Conflict("demand_closed", _("This demand is not open to join."))
        _check_open_until_deadline(demand)
        if demand.participations.filter(shopper_id=actor.pk).exists():
            raise Conflict("already_joined", _("You have already joined this demand."))
        _check_units_left(demand, quantity=quantity)
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    demand=demand,
                    shopper=actor,
                    quantity=quantity,
                    deposit_fen=rules.deposit_fen_for(
                        quantity=quantity,
                        target_unit_price_fen=demand.target_unit_price_fen,
                    ),
                )
        except IntegrityError:
            raise Conflict(
                "already_joined", _("You have already joined this demand.")
            ) from None
        audit_log(
            actor=actor,
            action="demands.participation.joined",
            obj=participation,
            data={"demand": demand.public_id, "quantity": quantity},
        )
        intent = deposit_intent_start(
            actor=actor, demand=demand, participation=participation
        )
        push_demand(demand)  # the units still wanted went down
    return participation, intent


def _check_units_left(demand: Demand, *, quantity: int) -> None:
    """Refuse a join for more units than are still wanted. The caller holds the
    demand's row lock, which every join takes, so two joins cannot both count
    the same units as free."""
    left = units_still_wanted(demand)
    if quantity <= left:
        return
    if left == 0:
        message = _("Every unit this demand wants is already taken.")
    else:
        message = ngettext(
            "Only %(left)s unit is still wanted.",
            "Only %(left)s units are still wanted.",
            left,
        ) % {"left": left}
    raise Conflict("too_many_units", message, fields={"quantity": [message]})


def demand_change_deadline(*, actor, demand: Demand, deadline_at) -> Demand:
    """Move an open demand's deadline later, or sooner (its initiator only).

    Sooner needs notice once the demand is published (``rules.check_notice``):
    someone who joined or offered counting on the time must have it to act.
    Everyone who joined and every merchant with an open offer is told; open
    countdowns move at once. Asking again for the same deadline changes nothing.
    """
    _check_initiator(actor, demand)
    now = timezone.now()
    rules.check_deadline(deadline_at, now=now)
    with transaction.atomic():
        demand = _lock(demand)
        if demand.deadline_at == deadline_at and demand.is_open:
            return demand
        _check_open_until_deadline(demand)
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


def demand_withdraw(*, actor, demand: Demand) -> Participation:
    """Leave a demand one joined. Before acceptance the deposit is refunded;
    after it, the deposit goes by the demand's forfeit rule."""
    participation = demand.participations.filter(shopper_id=actor.pk).first()
    if participation is None:
        raise NotFound("not_found", _("You have not joined this demand."))
    if demand.state == State.ACCEPTED:
        # The initiator too: after acceptance their deposit is in an order
        # like everyone's, and cancelling that order is leaving.
        from groupbuy.demands.services.forfeits import participation_forfeit

        return participation_forfeit(actor=actor, participation=participation)
    if participation.is_initiator:
        raise Conflict(
            "initiator_cannot_withdraw", _("Cancel the demand instead of leaving it.")
        )
    with transaction.atomic():
        lock_deposit_intents([participation])
        intent = participation.intent
        demand = _lock(demand)
        participation = Participation.objects.select_for_update().get(
            pk=participation.pk
        )
        participation.intent = intent
        if participation.status not in (Status.AWAITING_DEPOSIT, Status.ACTIVE):
            return participation
        if not demand.is_open:
            raise Conflict("demand_closed", _("This demand is closed."))
        refunded = deposit_give_back(
            actor=actor, participation=participation, reason="demands.withdrawn"
        )
        participation.status = Status.WITHDRAWN
        participation.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action="demands.participation.withdrawn",
            obj=participation,
            data={"refunded_fen": refunded},
        )
        push_demand(demand)
    return participation


def demand_cancel(*, actor, demand: Demand) -> Demand:
    """Cancel a demand before any offer is accepted; every deposit goes back."""
    _check_initiator(actor, demand)
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
        demand = _lock(demand)
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
