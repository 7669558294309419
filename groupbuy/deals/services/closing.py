"""Closing deals at their deadline (or early, when sold out) and settling them.

``deal_close`` is a conditional transition under the deal's row lock: whoever
runs it first (the job scheduled at the exact deadline, the every-minute sweep,
the sold-out trigger or an operator) closes the deal, everyone else finds it no
longer open and changes nothing.

Success (paid orders ≥ the first tier): the final price is the tier reached,
orders still awaiting payment are cancelled, and ``deal_settle`` then charges
each paid order quantity × final price, refunds the difference, releases the
charge to the merchant minus the platform fee, and confirms the order (where
coupons will be issued: the ``order_confirmed`` signal). Failure: every paid
order is refunded in full and pending ones cancelled.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.deals import notifications
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.pricing import tier_reached
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    check_is_operator,
    lock_deal,
    push_progress_on_commit,
    refund_what_is_held,
    release_stock,
)
from groupbuy.deals.signals import order_confirmed
from groupbuy.escrow.services import (
    escrow_release,
    payment_intent_cancel,
    payment_intents_lock,
    payment_refund_locked,
)

logger = logging.getLogger(__name__)


def deal_is_due(deal: Deal, *, now) -> bool:
    """Return whether an open deal should close: deadline passed, or every unit
    sold and paid for."""
    if now >= deal.deadline_at:
        return True
    if deal.sold < deal.stock:
        return False
    return not deal.orders.filter(status=Status.PENDING_PAYMENT).exists()


def _lock_live_orders(deal: Deal, statuses) -> tuple[dict, list[DealOrder]]:
    live = deal.orders.filter(status__in=statuses)
    intents = payment_intents_lock(
        intent_ids=live.values_list("payment_intent_id", flat=True)
    )
    orders = list(
        live.select_for_update(of=("self",))
        .select_related("shopper", "deal")
        .order_by("pk")
    )
    return intents, orders


def deal_close(
    *, actor=None, deal: Deal, now=None, force: bool = False, fail: bool = False
) -> Deal:
    """Close ``deal`` if it is open and due (``force``: even if not due).

    ``fail`` closes it as failed whatever the participants (an operator stopping
    a deal). Safe to call any number of times, concurrently.
    """
    with transaction.atomic():
        deal = lock_deal(deal)
        now = now or timezone.now()
        if deal.state != State.OPEN:
            return deal
        if not (force or fail or deal_is_due(deal, now=now)):
            return deal
        intents, orders = _lock_live_orders(deal, [Status.PENDING_PAYMENT, Status.PAID])
        for order in orders:
            if order.status == Status.PENDING_PAYMENT:
                _cancel_pending(actor, deal, order, intents, now=now)
        paid = [order for order in orders if order.status == Status.PAID]
        reached = tier_reached(list(deal.tiers.all()), len(paid))
        if reached is not None and not fail:
            deal.state = State.SUCCEEDED
            deal.final_price_fen = reached.price_fen
        else:
            deal.state = State.FAILED
            for order in paid:
                _refund_in_full(actor, deal, order, intents, now=now)
        deal.closed_at = now
        deal.save(update_fields=["state", "final_price_fen", "closed_at", "updated_at"])
        deal.refresh_from_db(fields=["sold"])
        audit_log(
            actor=actor,
            action=f"deals.deal.{deal.state}",
            obj=deal,
            data={
                "participants": len(paid),
                "final_price_fen": deal.final_price_fen,
                "forced_failure": fail,
            },
        )
        push_progress_on_commit(deal)
        if deal.state == State.SUCCEEDED:
            after_commit(_settle_later, deal.public_id)
    return deal


def _cancel_pending(actor, deal, order, intents, *, now) -> None:
    payment_intent_cancel(actor=actor, intent=intents[order.payment_intent_id])
    order.status = Status.CANCELLED
    order.cancel_reason = Reason.DEAL_CLOSED
    order.cancelled_at = now
    order.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    release_stock(deal=deal, quantity=order.quantity)


def _refund_in_full(actor, deal, order, intents, *, now) -> None:
    _refund_rest_and_leave(
        actor,
        deal,
        order,
        intents[order.payment_intent_id],
        now=now,
        reason=Reason.DEAL_FAILED,
        idempotency_key=f"deals.deal.failed:{order.public_id}",
    )
    notifications.notify_deal_failed(order)


def _settle_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_settle_task

    deal_settle_task(deal_public_id)


def deal_settle(*, actor=None, deal: Deal) -> Deal:
    """Charge every paid order of a succeeded deal the final price and pay the
    merchant; the deal becomes settled. Repeating it changes nothing."""
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state != State.SUCCEEDED:
            return deal
        now = timezone.now()
        intents, orders = _lock_live_orders(deal, [Status.PAID])
        for order in orders:
            _confirm(actor, deal, order, intents[order.payment_intent_id], now=now)
        deal.state = State.SETTLED
        deal.settled_at = now
        deal.save(update_fields=["state", "settled_at", "updated_at"])
        audit_log(
            actor=actor,
            action="deals.deal.settled",
            obj=deal,
            data={"orders": len(orders), "final_price_fen": deal.final_price_fen},
        )
        push_progress_on_commit(deal)
    return deal


def _confirm(actor, deal, order, intent, *, now) -> None:
    if intent.remaining_held_fen < order.amount_fen:
        _leave_after_outside_refund(actor, deal, order, intent, now=now)
        return
    charged_fen = order.quantity * deal.final_price_fen
    difference_fen = order.amount_fen - charged_fen
    if difference_fen > 0:
        payment_refund_locked(
            actor=actor,
            intent=intent,
            amount_fen=difference_fen,
            idempotency_key=f"deals.deal.settle:{order.public_id}:refund",
            reason="final_price",
        )
    escrow_release(
        actor=actor,
        intent=intent,
        merchant=deal.merchant,
        amount_fen=charged_fen,
        idempotency_key=f"deals.deal.settle:{order.public_id}:release",
        memo=deal.title,
    )
    order.status = Status.CONFIRMED
    order.final_unit_price_fen = deal.final_price_fen
    order.charged_fen = charged_fen
    order.refunded_fen = max(0, difference_fen)
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


def _leave_after_outside_refund(actor, deal, order, intent, *, now) -> None:
    # An operator refunded part of this payment straight from escrow, so the
    # order can no longer be charged the final price: it leaves the group buy
    # and gets back the rest of what it paid.
    _refund_rest_and_leave(
        actor,
        deal,
        order,
        intent,
        now=now,
        reason=Reason.OPERATOR,
        idempotency_key=f"deals.deal.settle:{order.public_id}:refund-rest",
    )


def _refund_rest_and_leave(
    actor, deal, order, intent, *, now, reason, idempotency_key
) -> None:
    """Refund what escrow still holds for ``order`` and take it out of the deal."""
    order.refunded_fen = refund_what_is_held(
        actor=actor, intent=intent, idempotency_key=idempotency_key, reason=reason
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


def issue_coupons_for_confirmed_order(*, order: DealOrder, actor) -> None:
    """The hook where coupons are issued for a confirmed order (a later issue).

    Sends ``order_confirmed`` inside the settle transaction; the coupons app
    connects a receiver that issues the order's coupons.
    """
    order_confirmed.send(sender=DealOrder, order=order, actor=actor)


def deal_stop(*, actor, deal: Deal) -> Deal:
    """Operator: stop an open deal now as failed, refunding everyone in full."""
    check_is_operator(actor=actor)
    return deal_close(actor=actor, deal=deal, fail=True)


def deal_close_now(*, actor, deal: Deal) -> Deal:
    """Operator: close an open deal now, as if its deadline had passed."""
    check_is_operator(actor=actor)
    return deal_close(actor=actor, deal=deal, force=True)


def deals_close_due(*, now=None) -> list[str]:
    """Close every open deal that is due and settle every succeeded one.

    The every-minute sweep: catches deals whose scheduled close was lost and
    settlements that failed. One deal failing (logged) does not stop the rest.
    Returns the public ids of the deals it changed.
    """
    now = now or timezone.now()
    due = Deal.objects.filter(state=State.OPEN).filter(
        Q(deadline_at__lte=now) | Q(sold__gte=F("stock"))
    )
    changed = []
    for deal in list(due):
        closed = _logging_failure(deal_close, deal=deal, now=now)
        if closed is not None and closed.state != State.OPEN:
            changed.append(deal.public_id)
    for deal in list(Deal.objects.filter(state=State.SUCCEEDED)):
        if _logging_failure(deal_settle, deal=deal) is not None:
            changed.append(deal.public_id)
    return list(dict.fromkeys(changed))


def _logging_failure(service, **kwargs):
    try:
        return service(**kwargs)
    except Exception:
        logger.exception("%s failed for %s", service.__name__, kwargs["deal"])
        return None
