"""An order made from a demand that ends without its shopper leaving.

A merchant's or an operator's refund, the payment window's expiry, a deal that
fails (or closes before the rest was paid): the deals app refunds everything
the order's payments hold, the deposit applied to it included, and tells other
apps with its documented signals ``order_refunded`` and ``order_cancelled``
(connected in ``demands/receivers.py``). Nobody chose to leave, so nothing is
forfeited: the participation ends ``refunded`` ("Deposit refunded"), and the
demand page says why from the order (its cancel reason).

A shopper's own cancellation sends the same signals after ``order_leaving``
ended the participation ``forfeited``; that is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from groupbuy.core.audit import audit_log
from groupbuy.demands.live import push_demand
from groupbuy.demands.models import Participation
from groupbuy.escrow.models import PaymentIntent

Status = Participation.Status


def participation_end_with_order(*, actor, order, reason: str) -> Participation | None:
    """End the participation whose deposit went to ``order``, which has left its
    deal refunded or cancelled; return it (None if the order is not a demand's).

    Called inside the deals service's transaction, the deal, the order's
    intents and the order locked; the participation is locked last, as when
    leaving. Safe to repeat: only an ``applied`` participation changes."""
    with transaction.atomic():
        participation = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("demand")
            .filter(demand__deal_id=order.deal_id, shopper_id=order.shopper_id)
            .first()
        )
        if participation is None or participation.status != Status.APPLIED:
            return participation
        participation.status = Status.REFUNDED
        participation.save(update_fields=["status", "updated_at"])
        deposit = PaymentIntent.objects.filter(pk=participation.intent_id).first()
        audit_log(
            actor=actor,
            action="demands.participation.refunded",
            obj=participation,
            data={
                "order": order.public_id,
                "order_status": order.status,
                "reason": reason,
                "deposit_refunded_fen": deposit.refunded_fen if deposit else 0,
            },
        )
        push_demand(participation.demand)
    return participation
