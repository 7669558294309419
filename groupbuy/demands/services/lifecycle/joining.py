"""Shoppers joining a published demand, and withdrawing from it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.demands import rules
from groupbuy.demands.deposits import (
    deposit_give_back,
    deposit_intent_start,
    lock_deposit_intents,
)
from groupbuy.demands.live import push_demand
from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.selectors import units_still_wanted
from groupbuy.demands.services.lifecycle.common import (
    State,
    Status,
    check_open_until_deadline,
    lock_demand,
)


def demand_join(*, actor, demand: Demand, quantity: int):
    """Join a published demand; return (participation, deposit intent)."""
    rules.check_phone_verified(actor)
    rules.check_whole(quantity, field="quantity", low=1, high=rules.MAX_QUANTITY)
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        demand = lock_demand(demand)
        if demand.state != State.PUBLISHED:
            raise Conflict("demand_closed", _("This demand is not open to join."))
        check_open_until_deadline(demand)
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
        demand = lock_demand(demand)
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
