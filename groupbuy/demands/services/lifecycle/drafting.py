"""A demand's start: drafting it, paying its deposit, publishing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound, all_or_errors
from groupbuy.core.transactions import after_commit
from groupbuy.demands import rules, search
from groupbuy.demands.deposits import (
    deposit_intent_start,
    lock_deposit_intents,
    units_taken_refusal,
)
from groupbuy.demands.errors import DemandError
from groupbuy.demands.live import push_demand
from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.notifications import (
    notify_saved_searches,
)
from groupbuy.demands.photo_storage import demand_photos_make_public
from groupbuy.demands.services.lifecycle.common import (
    State,
    Status,
    check_initiator,
    check_open_until_deadline,
    lock_demand,
)
from groupbuy.escrow.services import payment_intent_cancel


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
        demand = lock_demand(demand)
        participation = Participation.objects.select_for_update().get(
            pk=participation.pk
        )
        participation.intent = intent
        if participation.status != Status.AWAITING_DEPOSIT:
            raise Conflict("deposit_paid", _("Your deposit is already paid."))
        check_open_until_deadline(demand)
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


def demand_publish(*, actor, demand: Demand) -> Demand:
    """Publish a draft whose initiator's deposit is captured (the right to publish)."""
    check_initiator(actor, demand)
    with transaction.atomic():
        demand = lock_demand(demand)
        if demand.state == State.PUBLISHED:
            return demand
        if demand.state != State.DRAFT:
            raise Conflict("demand_closed", _("This demand is closed."))
        check_open_until_deadline(demand)
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
