"""Closing deals at their deadline (or early, when sold out) and settling them.

``deal_close`` is a conditional transition under the deal's row lock: whoever
runs it first (the job scheduled at the exact deadline, the every-minute sweep,
the sold-out trigger or an operator) closes the deal, everyone else finds it no
longer open and changes nothing. An order whose payment was submitted and has
no answer yet holds the close back for a bounded grace period
(``GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES``).

The tier is chosen from the orders that can be confirmed: paid orders whose
money escrow still holds in full (an operator's partial refund takes an order
out, before counting). Success: the final price is the tier reached, orders
still awaiting payment are cancelled. Failure: pending orders are cancelled.

``deal_settle`` then works through the paid orders in batches by primary key,
each batch its own transaction, keeping a cursor on the deal: a crash neither
rolls back nor repeats finished batches. Success charges each order quantity ×
final price, refunds the difference, releases the charge to the merchant (or
to its pending account for a deal settled on redemption) and confirms the
order, a whole batch at once (``settle_batch``: bulk postings, one follow-up
job per batch that sends ``order_confirmed`` and the notifications); a batch
that cannot go in bulk goes order by order, each order a savepoint, so a
failing order stops the cursor before it alone. Failure refunds each order in
full, order by order. Either way the deal ends ``settled``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.transactions import after_commit
from groupbuy.deals import notifications, shop_notifications
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.order_keepers import exclude_kept, run_deal_closing
from groupbuy.deals.pricing import tier_reached
from groupbuy.deals.services.cancelling import awaiting_provider, submitted_grace
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    check_can_manage,
    lock_deal,
    push_progress_on_commit,
    release_stock,
)
from groupbuy.deals.services.payments import (
    confirmable_orders,
    held_fen,
    lock_order_intents,
    refund_all_held,
)
from groupbuy.deals.services.settle_batch import confirm_batch
from groupbuy.deals.services.settle_order import (
    leave_after_outside_refund,
    settle_order,
)
from groupbuy.deals.signals import send_order_left
from groupbuy.escrow.services import payment_intent_cancel

logger = logging.getLogger(__name__)
StoppedBy = Deal.StoppedBy
STOP_REASON_MAX_LENGTH = 200


def deal_is_due(deal: Deal, *, now) -> bool:
    """Return whether an open deal should close: deadline passed, or every unit
    sold and paid for."""
    if now >= deal.deadline_at:
        return True
    if deal.sold < deal.stock:
        return False
    return not exclude_kept(deal.orders.filter(status=Status.PENDING_PAYMENT)).exists()


def _lock_live_orders(
    deal: Deal, statuses, *, after_pk: int = 0, limit=None, lean: bool = False
):
    """Lock the intents, then the orders, of ``deal``'s orders in ``statuses``.

    ``lean`` reads only what a bulk batch needs of the orders (no shopper).
    Orders another app keeps (``order_keepers``) are left out.
    """
    live = exclude_kept(deal.orders.filter(status__in=statuses, pk__gt=after_pk))
    live = live.order_by("pk")
    if limit is not None:
        live = live.filter(pk__in=list(live.values_list("pk", flat=True)[:limit]))
    # Public ids only: model instances of a related manager's query would read
    # their deferred deal id back one query each.
    references = live.values_list("public_id", flat=True)
    intents = lock_order_intents([DealOrder(public_id=ref) for ref in references])
    locked = live.select_for_update(of=("self",))
    if lean:
        locked = locked.only("public_id", "deal", "quantity", "amount_fen", "status")
    else:
        locked = locked.select_related("shopper", "deal")
    orders = list(locked)
    return intents, orders


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
        intents, orders = _lock_live_orders(deal, [Status.PENDING_PAYMENT, Status.PAID])
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
            deal, is_done = _settle_one_batch(
                actor=actor, deal=deal, size=settle_batch_size()
            )
            if is_done:
                return deal
        after_commit(_settle_later, deal.public_id)
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


def _settle_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_settle_task

    deal_settle_task(deal_public_id)


def settle_batch_size() -> int:
    return getattr(settings, "GROUPBUY_SETTLE_BATCH_SIZE", 200)


def deal_settle(*, actor=None, deal: Deal, batch_size: int | None = None) -> Deal:
    """Settle a closed deal batch by batch until every paid order is confirmed
    (success) or refunded (failure); the deal then becomes settled.

    Repeating it changes nothing; after a crash or a failing order it resumes
    from its cursor. Returns the deal as it stands (not settled if an order
    failed: that order is logged and retried by the sweep).
    """
    batch_size = batch_size or settle_batch_size()
    while True:
        deal, is_done = _settle_one_batch(actor=actor, deal=deal, size=batch_size)
        if is_done:
            return deal


def _settle_one_batch(*, actor, deal: Deal, size: int) -> tuple[Deal, bool]:
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state not in (State.SUCCEEDED, State.FAILED):
            return deal, True
        now = timezone.now()
        if deal.state == State.SUCCEEDED and deal.settle_cursor == 0:
            _recount_before_settling(actor, deal)
        intents, orders = _lock_live_orders(
            deal,
            [Status.PAID],
            after_pk=deal.settle_cursor,
            limit=size,
            lean=deal.state == State.SUCCEEDED,
        )
        if deal.state == State.SUCCEEDED and confirm_batch(
            actor=actor, deal=deal, orders=orders, intents=intents, now=now
        ):
            deal.settle_cursor = orders[-1].pk
        elif not _settle_order_by_order(actor, deal, orders, intents, now=now):
            deal.save(update_fields=["settle_cursor", "updated_at"])
            return deal, True
        if len(orders) == size:
            deal.save(update_fields=["settle_cursor", "updated_at"])
            return deal, False
        _mark_settled(actor, deal, now=now)
        deal.refresh_from_db(fields=["sold", "buyers"])
    return deal, True


def _settle_order_by_order(actor, deal, orders, intents, *, now) -> bool:
    """Settle the batch one savepoint an order, moving the cursor; False when an
    order failed (the cursor stops before it)."""
    if deal.state == State.SUCCEEDED and orders:
        # Read in full: the bulk attempt read the orders lean (and may have
        # changed these copies before writing nothing).
        intents, orders = _lock_live_orders(
            deal, [Status.PAID], after_pk=deal.settle_cursor, limit=len(orders)
        )
    for order in orders:
        if not settle_order(actor, deal, order, intents, now=now):
            return False
        deal.settle_cursor = order.pk
    return True


def _recount_before_settling(actor, deal: Deal) -> None:
    """Choose the tier again from the orders that can still be confirmed.

    An operator may have refunded part of an order between close and settle;
    that order will leave, and the others must not pay a tier it helped reach.
    """
    confirmable = exclude_kept(confirmable_orders(deal)).count()
    reached = tier_reached(list(deal.tiers.all()), confirmable)
    price = reached.price_fen if reached else None
    if price == deal.final_price_fen:
        return
    audit_log(
        actor=actor,
        action="deals.deal.repriced",
        obj=deal,
        data={"participants": confirmable, "was": deal.final_price_fen, "now": price},
    )
    deal.final_price_fen = price
    deal.state = State.SUCCEEDED if reached else State.FAILED
    deal.save(update_fields=["final_price_fen", "state", "updated_at"])


def _mark_settled(actor, deal: Deal, *, now) -> None:
    was = deal.state
    confirmed = deal.orders.filter(status=Status.CONFIRMED).count()
    deal.state = State.SETTLED
    deal.settled_at = now
    deal.save(update_fields=["state", "settled_at", "settle_cursor", "updated_at"])
    audit_log(
        actor=actor,
        action="deals.deal.settled",
        obj=deal,
        data={
            "outcome": was,
            "orders": confirmed,
            "final_price_fen": deal.final_price_fen,
        },
    )
    push_progress_on_commit(deal)
    _tell_owners_how_it_ended(deal, outcome=was, confirmed=confirmed)


def _tell_owners_how_it_ended(deal: Deal, *, outcome: str, confirmed: int) -> None:
    """Tell the owners, once settled (the final price as charged, every buyer
    refunded), how the deal ended. A stopped deal was told at its stop (or the
    owner stopped it); one another app sells (a team buy) ends as that app
    says, which its own notifications tell."""
    if deal.stopped_by or deal.kept_outcome is not None:
        return
    if outcome == State.SUCCEEDED:
        charged = deal.orders.filter(status=Status.CONFIRMED).aggregate(
            total=Sum("charged_fen")
        )["total"]
        shop_notifications.notify_owners_succeeded(
            deal, buyers=confirmed, charged_fen=charged or 0
        )
    else:
        shop_notifications.notify_owners_failed(deal)


@dataclass(frozen=True)
class Stop:
    """Who stops a deal (``Deal.StoppedBy``) and why, in their own words."""

    by: str
    reason: str = ""


def stop_reason_refusal(reason: str) -> str:
    """Why ``reason`` (spaces already collapsed) cannot be given, or ""."""
    if len(reason) <= STOP_REASON_MAX_LENGTH:
        return ""
    return _("Keep the reason under %(n)s characters.") % {"n": STOP_REASON_MAX_LENGTH}


def not_open_refusal(deal: Deal) -> Conflict:
    """The refusal to close or stop a deal that is not open: nothing changed."""
    if deal.state == State.DRAFT:
        return Conflict("deal_not_open", _("This group buy is not open yet."))
    return Conflict("deal_closed", _("This group buy has already closed."))


def deal_stop(*, actor, deal: Deal, reason: str = "") -> Deal:
    """Stop an open deal now as failed, refunding everyone in full (operators
    and the merchant's owners).

    ``reason`` is the stopper's own words (spaces collapsed, at most
    ``STOP_REASON_MAX_LENGTH``): kept on the deal and its refunded orders, quoted
    to its shoppers, audited. A deal no longer open is refused (``Conflict``
    deal_closed, or deal_not_open for a draft): nothing is stopped twice.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    reason = " ".join((reason or "").split())
    if message := stop_reason_refusal(reason):
        raise DealError("invalid", message, fields={"reason": [message]})
    by = StoppedBy.PLATFORM if getattr(actor, "is_staff", True) else StoppedBy.MERCHANT
    # No lock is taken here: deal_close lets other apps' keepers close their
    # orders before it locks the deal (locking first deadlocks with a member
    # joining a team at that moment, on PostgreSQL). It checks the state and
    # writes the "stopped" audit row under that lock, so of two stops at once
    # only the one that closed the deal records it; the other is refused.
    return deal_close(
        actor=actor, deal=deal, stop=Stop(by=by, reason=reason), refuse_closed=True
    )


def deal_close_now(*, actor, deal: Deal) -> Deal:
    """Close an open deal now, as if its deadline had passed (operators and the
    merchant's owners): it succeeds at the tier reached, else fails and refunds.
    A deal no longer open is refused, as ``deal_stop`` refuses it."""
    check_can_manage(actor=actor, merchant=deal.merchant)
    return deal_close(actor=actor, deal=deal, force=True, refuse_closed=True)


def deals_close_due(*, now=None) -> list[str]:
    """Close every open deal that is due and settle every closed one.

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
    for deal in list(Deal.objects.filter(state__in=[State.SUCCEEDED, State.FAILED])):
        if _logging_failure(deal_settle, deal=deal) is not None:
            changed.append(deal.public_id)
    return list(dict.fromkeys(changed))


def _logging_failure(service, **kwargs):
    try:
        return service(**kwargs)
    except Exception:
        logger.exception("%s failed for %s", service.__name__, kwargs["deal"])
        return None
