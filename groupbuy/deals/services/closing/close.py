"""Closing a deal: choose its outcome under its row lock, cancel the orders
still unpaid and start settling (a small failed deal's refunds at once)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.transactions import after_commit
from groupbuy.deals import notifications, shop_notifications
from groupbuy.deals.models import Deal
from groupbuy.deals.order_keepers import exclude_kept, run_deal_closing
from groupbuy.deals.pricing import tier_reached
from groupbuy.deals.services.cancelling import awaiting_provider, submitted_grace
from groupbuy.deals.services.closing.orders import lock_live_orders
from groupbuy.deals.services.closing.settle import (
    settle_batch_size,
    settle_later,
    settle_one_batch,
)
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    lock_deal,
    push_progress_on_commit,
    release_stock,
)
from groupbuy.deals.services.payments import held_fen, refund_all_held
from groupbuy.deals.services.settle_order import leave_after_outside_refund
from groupbuy.deals.signals import send_order_left
from groupbuy.escrow.services import payment_intent_cancel

StoppedBy = Deal.StoppedBy


@dataclass(frozen=True)
class Stop:
    """Who stops a deal (``Deal.StoppedBy``) and why, in their own words."""

    by: str
    reason: str = ""


def not_open_refusal(deal: Deal) -> Conflict:
    """The refusal to close or stop a deal that is not open: nothing changed."""
    if deal.state == State.DRAFT:
        return Conflict("deal_not_open", _("This group buy is not open yet."))
    return Conflict("deal_closed", _("This group buy has already closed."))


def deal_is_due(deal: Deal, *, now) -> bool:
    """Return whether an open deal should close: deadline passed, or every unit
    sold and paid for."""
    if now >= deal.deadline_at:
        return True
    if deal.sold < deal.stock:
        return False
    return not exclude_kept(deal.orders.filter(status=Status.PENDING_PAYMENT)).exists()


def _waiting_for_provider_until(deal: Deal, *, now):
    """Return when the last submitted payment's grace ends, None if none waits."""
    waiting = awaiting_provider(exclude_kept(deal.orders.all()), now=now)
    first = waiting.aggregate(at=Min("payment_intent__submitted_at"))["at"]
    return first + submitted_grace() if first else None


def deal_close(
    *,
    actor=None,
    deal: Deal,
    now=None,
    force: bool = False,
    fail: bool = False,
    stop: Stop | None = None,
    refuse_closed: bool = False,
) -> Deal:
    """Close ``deal`` if it is open and due (``force``: even if not due).

    ``fail`` closes it as failed whatever the participants; ``stop`` (someone
    stopping the deal, ``deal_stop``) fails it too, is kept on the deal (who and
    why: what its shoppers are told) and goes to a ``deals.deal.stopped`` audit
    row, written only by the call that closed it. Safe to call any number of
    times, concurrently; ``refuse_closed`` (a person asking to close or stop)
    raises ``Conflict`` instead when the deal is no longer open. Orders another
    app keeps (``order_keepers``) are that app's to decide, before the deal's
    lock.
    """
    fail = fail or stop is not None
    _let_keepers_close(
        actor=actor, deal=deal, now=now, force=force, fail=fail, stop=stop
    )
    with transaction.atomic():
        deal = lock_deal(deal)
        now = now or timezone.now()
        if deal.state != State.OPEN:
            if refuse_closed:
                raise not_open_refusal(deal)
            return deal
        if not (force or fail or deal_is_due(deal, now=now)):
            return deal
        if not fail and (retry_at := _waiting_for_provider_until(deal, now=now)):
            after_commit(_close_later, deal.public_id, retry_at)
            return deal
        intents, orders = lock_live_orders(deal, [Status.PENDING_PAYMENT, Status.PAID])
        for order in orders:
            if order.status == Status.PENDING_PAYMENT:
                _cancel_pending(actor, deal, order, intents, now=now, stop=stop)
            elif held_fen(intents[order.public_id]) < order.amount_fen:
                leave_after_outside_refund(
                    actor, deal, order, intents[order.public_id], now=now
                )
        paid = [order for order in orders if order.status == Status.PAID]
        reached = tier_reached(list(deal.tiers.all()), len(paid))
        if reached is not None and not fail:
            deal.state = State.SUCCEEDED
            deal.final_price_fen = reached.price_fen
        else:
            deal.state = State.FAILED
        deal.closed_at = now
        if stop is not None:
            deal.stopped_by, deal.stop_reason = stop.by, stop.reason
        deal.save(
            update_fields=[
                "state",
                "final_price_fen",
                "closed_at",
                "stopped_by",
                "stop_reason",
                "updated_at",
            ]
        )
        deal.refresh_from_db(fields=["sold", "buyers"])
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
        if stop is not None:
            audit_log(
                actor=actor,
                action="deals.deal.stopped",
                obj=deal,
                data={"reason": stop.reason, "by": stop.by},
            )
            if stop.by == StoppedBy.PLATFORM:
                shop_notifications.notify_owners_stopped_by_platform(deal)
            elif actor is not None:
                # The owner who stopped it knows; the shop's other owners not.
                shop_notifications.notify_other_owners_stopped_by_owner(
                    deal, stopper=actor
                )
        push_progress_on_commit(deal)
        if deal.state == State.FAILED:
            # Refund a small deal's buyers at once; a big one continues in
            # batches after commit.
            deal, is_done = settle_one_batch(
                actor=actor, deal=deal, size=settle_batch_size()
            )
            if is_done:
                return deal
        after_commit(settle_later, deal.public_id)
    return deal


def _let_keepers_close(
    *, actor, deal: Deal, now, force: bool, fail: bool, stop: Stop | None
) -> None:
    # Unlocked read: keepers take their own locks (team rows, then intents), and
    # taking them under the deal's lock could deadlock with a joining member.
    fresh = Deal.objects.filter(pk=deal.pk).first()
    now = now or timezone.now()
    if fresh is None or fresh.state != State.OPEN:
        return
    if force or fail or deal_is_due(fresh, now=now):
        run_deal_closing(actor=actor, deal=fresh, now=now, stopping=fail, stop=stop)


def _close_later(deal_public_id: str, eta) -> None:
    from groupbuy.deals.tasks import deal_close_task

    deal_close_task.schedule(args=(deal_public_id,), eta=eta)


def _cancel_pending(actor, deal, order, intents, *, now, stop=None) -> None:
    """Cancel an unpaid order of a closing deal. Stopped (``stop``), it is
    cancelled as stopped and keeps the stopper's words as a stopped deal's
    refunded orders do, so that its page and answers say who stopped it and
    why, as its shopper's notification does."""
    reason = Reason.DEAL_STOPPED if stop is not None else Reason.DEAL_CLOSED
    own = intents.get(order.public_id, [])
    for intent in own:
        payment_intent_cancel(actor=actor, intent=intent)
    order.refunded_fen = refund_all_held(
        actor=actor,
        intents=own,
        idempotency_key=f"deals.deal.closed:{order.public_id}",
        reason=reason,
    )
    order.status = Status.CANCELLED
    order.cancel_reason = reason
    order.cancelled_at = now
    fields = ["status", "cancel_reason", "cancelled_at", "refunded_fen", "updated_at"]
    if stop is not None and stop.reason:
        order.refund_reason = stop.reason
        fields.append("refund_reason")
    order.save(update_fields=fields)
    release_stock(deal=deal, quantity=order.quantity)
    send_order_left(order=order, actor=actor, reason=reason)
    notifications.notify_order_released_at_close(order, stop=stop)
