"""Deposits: collected through escrow with purpose ``demands.deposit``.

The intent's reference is the participation's public id. The capture handler
runs inside escrow's capture transaction (the intent is locked first, then the
demand, then the participation: the lock order of every demands service).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.selectors import units_still_wanted
from groupbuy.escrow.services import (
    payment_intent_cancel,
    payment_intent_create,
    payment_intents_lock,
    payment_refund_locked,
)

DEPOSIT_PURPOSE = "demands.deposit"
Status = Participation.Status


def _locked(participation_public_id: str):
    participation = Participation.objects.filter(
        public_id=participation_public_id
    ).first()
    if participation is None:
        return None, None
    demand = Demand.objects.select_for_update().get(pk=participation.demand_id)
    participation = (
        Participation.objects.select_for_update()
        .select_related("shopper")
        .get(pk=participation.pk)
    )
    return demand, participation


def units_taken_refusal(*, demand: Demand, participation: Participation):
    """Return the 409 refusing to take ``participation``'s deposit when the
    units it joined for are no longer free (others committed or hold them since
    its payment window ran out), else None. The caller holds the demand's row
    lock, which every join and every deposit taken holds too."""
    left = units_still_wanted(demand, excluding=participation)
    if participation.quantity <= left:
        return None
    if left == 0:
        message = _(
            "The units you joined for were taken while your deposit was unpaid, "
            "and no unit is still wanted. Nothing was charged."
        )
    else:
        message = ngettext(
            "The units you joined for were taken while your deposit was unpaid: "
            "only %(left)s unit is still wanted. Nothing was charged.",
            "The units you joined for were taken while your deposit was unpaid: "
            "only %(left)s units are still wanted. Nothing was charged.",
            left,
        ) % {"left": left}
    return Conflict("units_taken", message, extra={"units_left": left})


def deposit_captured(*, intent) -> bool:
    """Hold the deposit if the participation still wants it; else refund it."""
    demand, participation = _locked(intent.reference)
    if participation is None:
        return True  # not a demand's: held, as for a purpose with no handler
    if participation.intent_id != intent.pk:
        return False  # a superseded attempt paid late: escrow refunds it
    if participation.status == Status.ACTIVE:
        return True
    now = timezone.now()
    if (
        participation.status != Status.AWAITING_DEPOSIT
        or not demand.is_open
        or now >= demand.deadline_at
        or (not participation.is_initiator and demand.state != Demand.State.PUBLISHED)
    ):
        return False
    refusal = units_taken_refusal(demand=demand, participation=participation)
    if refusal is not None:
        # Paid past its payment window, its units taken meanwhile: holding it
        # would commit more units than the demand wants. Escrow refunds it whole,
        # as a deal's payment arriving for a released order; the join still
        # awaits its deposit, to pay once enough units are free again.
        audit_log(
            actor=None,
            action="demands.deposit.refused",
            obj=participation,
            data={
                "reason": refusal.code,
                "units_left": refusal.extra["units_left"],
                "intent": intent.public_id,
            },
        )
        return False
    participation.status = Status.ACTIVE
    participation.deposit_captured_at = now
    participation.save(update_fields=["status", "deposit_captured_at", "updated_at"])
    audit_log(
        actor=None,
        action="demands.deposit.captured",
        obj=participation,
        data={"demand": demand.public_id, "amount_fen": intent.amount_fen},
    )
    if not participation.is_initiator:
        from groupbuy.demands.notifications import notify_joined

        notify_joined(demand=demand, participation=participation)
    from groupbuy.demands.live import push_demand

    push_demand(demand)
    return True


def deposit_failed(*, intent) -> None:
    participation = Participation.objects.filter(public_id=intent.reference).first()
    if participation is not None:
        audit_log(
            actor=None,
            action="demands.deposit.failed",
            obj=participation,
            data={"intent": intent.public_id},
        )


def deposit_descriptions(references: list[str]) -> dict[str, str]:
    """Say what the deposits paying ``references`` (participations) are for, in
    the active language, as their intents' descriptions say it."""
    participations = Participation.objects.filter(
        public_id__in=references
    ).select_related("demand")
    return {p.public_id: _deposit_description(p.demand) for p in participations}


def _deposit_description(demand: Demand) -> str:
    return _("Deposit: %(title)s") % {"title": demand.title[:150]}


def deposit_intent_start(*, actor, demand: Demand, participation: Participation):
    """Return the intent collecting ``participation``'s deposit (a new one if the
    last attempt failed or was cancelled)."""
    intent = participation.intent
    if intent is not None and intent.status == intent.Status.REQUIRES_PAYMENT:
        return intent
    intent = payment_intent_create(
        actor=actor,
        payer=participation.shopper,
        amount_fen=participation.deposit_fen,
        purpose=DEPOSIT_PURPOSE,
        reference=participation.public_id,
        description=_deposit_description(demand),
        return_url=reverse("demands:detail", args=[demand.public_id]),
    )
    participation.intent = intent
    participation.save(update_fields=["intent", "updated_at"])
    return intent


def deposit_give_back(*, actor, participation: Participation, reason: str) -> int:
    """Cancel an unpaid deposit or refund a held one; return the fen refunded.

    The caller holds the intent's lock (``lock_deposit_intents``)."""
    intent = participation.intent
    if intent is None:
        return 0
    if intent.status == intent.Status.REQUIRES_PAYMENT:
        payment_intent_cancel(actor=actor, intent=intent)
        return 0
    held = intent.remaining_held_fen if intent.status == intent.Status.SUCCEEDED else 0
    if held <= 0:
        return 0
    payment_refund_locked(
        actor=actor,
        intent=intent,
        amount_fen=held,
        idempotency_key=f"demands.deposit:{participation.public_id}:{intent.public_id}",
        reason=reason,
    )
    return held


def lock_deposit_intents(participations) -> None:
    """Lock the deposit intents of ``participations`` (before the demand row)."""
    ids = [p.intent_id for p in participations if p.intent_id]
    locked = payment_intents_lock(intent_ids=ids)
    for participation in participations:
        if participation.intent_id in locked:
            participation.intent = locked[participation.intent_id]
