"""Settle one order on its own, in a savepoint: what a batch falls back to.

Success charges the order quantity × final price (``payments.charge``: release
to the merchant, refund the difference), confirms it and sends
``order_confirmed`` and the shopper's notification inside the savepoint; an
order an operator partly refunded leaves with the rest refunded; failure
refunds it in full. A batch that can go in bulk uses ``settle_batch`` instead.
"""

from __future__ import annotations

import logging

from django.db import transaction

from groupbuy.deals import notifications
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services.common import Reason, State, Status, release_stock
from groupbuy.deals.services.payments import charge, held_fen, refund_all_held
from groupbuy.deals.signals import order_confirmed, send_order_left

logger = logging.getLogger(__name__)
Mode = Deal.SettlementMode


def settle_order(actor, deal, order, intents, *, now) -> bool:
    """Confirm or refund one order in a savepoint; False if it failed."""
    own = intents.get(order.public_id, [])
    try:
        with transaction.atomic():
            if deal.state == State.FAILED:
                _refund_in_full(actor, deal, order, own, now=now)
            else:
                _confirm(actor, deal, order, own, now=now)
    except Exception:
        logger.exception("settling %s of %s failed", order.public_id, deal.public_id)
        return False
    return True


def _refund_in_full(actor, deal, order, intents, *, now) -> None:
    is_stopped = bool(deal.stopped_by)
    _refund_rest_and_leave(
        actor,
        deal,
        order,
        intents,
        now=now,
        reason=Reason.DEAL_STOPPED if is_stopped else Reason.DEAL_FAILED,
        idempotency_key=f"deals.deal.failed:{order.public_id}",
    )
    if is_stopped:
        # The stopper's words reach the order page and the order's answers as a
        # merchant's refund reason does.
        if deal.stop_reason:
            order.refund_reason = deal.stop_reason
            order.save(update_fields=["refund_reason", "updated_at"])
        notifications.notify_deal_stopped(order, deal=deal)
    else:
        notifications.notify_deal_failed(order)


def _confirm(actor, deal, order, intents, *, now) -> None:
    if held_fen(intents) < order.amount_fen:
        leave_after_outside_refund(actor, deal, order, intents, now=now)
        return
    charged_fen = order.quantity * deal.final_price_fen
    charge(
        actor=actor,
        deal=deal,
        order=order,
        intents=intents,
        charged_fen=charged_fen,
        key=f"deals.deal.settle:{order.public_id}",
        to_pending=deal.settlement_mode == Mode.ON_REDEMPTION,
    )
    order.status = Status.CONFIRMED
    order.final_unit_price_fen = deal.final_price_fen
    order.charged_fen = charged_fen
    order.refunded_fen = sum(intent.refunded_fen for intent in intents)
    order.confirmed_at = now
    order.save(
        update_fields=[
            "status",
            "final_unit_price_fen",
            "charged_fen",
            "refunded_fen",
            "confirmed_at",
            "updated_at",
        ]
    )
    issue_coupons_for_confirmed_order(order=order, actor=actor)
    notifications.notify_deal_succeeded(order)


def leave_after_outside_refund(actor, deal, order, intents, *, now) -> None:
    # An operator refunded part of this payment straight from escrow, so the
    # order can no longer be charged the final price: it leaves the group buy
    # and gets back the rest of what it paid.
    _refund_rest_and_leave(
        actor,
        deal,
        order,
        intents,
        now=now,
        reason=Reason.OPERATOR,
        idempotency_key=f"deals.deal.settle:{order.public_id}:refund-rest",
    )


def _refund_rest_and_leave(
    actor, deal, order, intents, *, now, reason, idempotency_key
) -> None:
    """Refund what escrow still holds for ``order`` and take it out of the deal."""
    order.refunded_fen = refund_all_held(
        actor=actor, intents=intents, idempotency_key=idempotency_key, reason=reason
    )
    order.status = Status.REFUNDED
    order.cancel_reason = reason
    order.cancelled_at = now
    order.save(
        update_fields=[
            "status",
            "cancel_reason",
            "refunded_fen",
            "cancelled_at",
            "updated_at",
        ]
    )
    release_stock(deal=deal, quantity=order.quantity)
    send_order_left(order=order, actor=actor, reason=reason)


def issue_coupons_for_confirmed_order(*, order: DealOrder, actor) -> None:
    """The hook where coupons are issued for a confirmed order (a later issue).

    Sends ``order_confirmed`` inside the settle transaction; the coupons app
    connects a receiver that issues the order's coupons.
    """
    order_confirmed.send(sender=DealOrder, order=order, actor=actor)
